// `recur forecast train|predict|evaluate|backtest`: the forecasting tool (daily prices and any
// regular series, yearly to half-hourly).
// Exit codes: 0 success, 1 bad data / model / files (message on stderr), 2 bad usage.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.h"
#include "number_flags.h"
#include "recur/apps/forecast/panel.h"
#include "recur/apps/forecast/pipeline.h"
#include "recur/kernels/parallel.h"

// Named, not anonymous: the unity build compiles every command file as one unit, where the
// commands' like-named flag structs would collide.
namespace forecast_command {

using namespace recur;
using json = nlohmann::json;
using cli::Bounds;

// The console text of a scored run: the table, an ensemble's member spread, the verdict.
std::string scored_text(const forecast::RunResult& r) {
  return forecast::format_table(r.rows()) + forecast::format_member_spread(r) + "\n" + r.verdict +
         "\n";
}

// The --json fields every scored run has; an ensemble adds its members' spread.
json scored_json(const forecast::RunResult& r) {
  json out = {{"metrics", forecast::metrics_json(r.rows())},
              {"data", forecast::series_json(r.series)},
              {"verdict", r.verdict},
              {"warnings", r.warnings}};
  if (r.members > 1) out["ensemble"] = forecast::ensemble_json(r);
  return out;
}

// Flags every forecast subcommand has.
struct CommonFlags {
  int threads = 0;
  bool quiet = false;
  bool json_output = false;
};

void add_common(CLI::App& cmd, CommonFlags& f) {
  cmd.add_option("--threads", f.threads, "threads to use (default: all cores)")
      ->check(cli::whole_number(0, 4096));
  cmd.add_flag("--quiet,-q", f.quiet, "print nothing but errors (and --json output)");
  cmd.add_flag("--json", f.json_output, "print the result as JSON on stdout");
}

void apply_threads(const CommonFlags& f) {
  if (f.threads > 0) kernels::set_num_threads(f.threads);
}

// Data warnings go to stderr whatever the output format (stdout may be JSON), unless --quiet.
void print_warnings(const CommonFlags& f, const std::vector<std::string>& warnings) {
  if (f.quiet) return;
  for (const std::string& w : warnings) std::cerr << "warning: " << w << "\n";
}

// How a run is scored: the baselines' settings and the interval level (train, evaluate,
// backtest).
struct ScoringFlags {
  int season = forecast::kSeasonOfFrequency, moving_average = 20, ar_order = 5;
  double level = 0.9;

  forecast::BaselineOptions baselines() const {
    return {.season_period = season, .moving_average = moving_average, .ar_order = ar_order};
  }
};

// The options of `train`, kept as CLI11 options so that only flags given explicitly override
// a --config file.
struct TrainFlags {
  std::string data, out = "runs/forecast", config_file, target = "close",
                    target_kind = "difference", cell = "lstm", head = "point", strategy = "direct",
                    symbol, date_column = "date", missing = "error", frequency,
                    input_scaler = "standard", target_scaler = "standard", layout = "long";
  std::vector<std::string> features, symbols;
  size_t window = 30, horizon = 1, gap = 0;
  int64_t hidden = 64, layers = 2, epochs = 50, batch = 32, patience = 8, ensemble = 1;
  float dropout = 0.0f;
  bool bidirectional = false, resume = false, per_series = false;
  double lr = 1e-3, clip = 1.0, val_fraction = 0.15, test_fraction = 0.15;
  std::vector<double> quantiles;
  uint64_t seed = 0;
  ScoringFlags scoring;
  CommonFlags common;
};

using forecast::kLimits;

CLI::Validator within(forecast::Range range) { return cli::whole_number(range.min, range.max); }

bool given(const CLI::App& cmd, const std::string& name) { return cmd.count(name) > 0; }

forecast::ForecastConfig build_config(const CLI::App& cmd, const TrainFlags& f) {
  forecast::ForecastConfig c;
  if (!f.config_file.empty()) c = forecast::load_config(f.config_file);
  auto set = [&](const char* flag, auto& field, const auto& value) {
    if (f.config_file.empty() || given(cmd, flag)) field = value;
  };
  set("--target", c.features.target_column, f.target);
  if (f.config_file.empty() || given(cmd, "--target-kind")) {
    c.features.target = data::parse_target_kind(f.target_kind);
  }
  if (given(cmd, "--features")) {
    c.features.inputs = f.features;
  } else if (f.config_file.empty()) {
    c.features.inputs = {c.features.target == data::TargetKind::kLogReturn
                             ? "log_return"
                             : c.features.target_column};
  }
  set("--symbol", c.symbol, f.symbol);
  if (given(cmd, "--symbols")) c.panel.symbols = f.symbols;
  if (given(cmd, "--per-series")) {
    if (!c.panel.active()) throw ValueError("--per-series needs --symbols (the series to model)");
    c.panel.mode = forecast::PanelMode::kPerSeries;
  }
  if (given(cmd, "--layout")) c.layout = forecast::parse_layout(f.layout, "--layout");
  set("--date-column", c.date_column, f.date_column);
  if (given(cmd, "--frequency"))
    c.frequency = forecast::parse_frequency(f.frequency, "--frequency");
  if (f.config_file.empty() || given(cmd, "--missing")) {
    c.missing =
        f.missing == "ffill" ? data::MissingValues::kForwardFill : data::MissingValues::kError;
  }
  set("--window", c.window, f.window);
  set("--horizon", c.horizon, f.horizon);
  set("--model", c.model.cell, f.cell);
  set("--hidden", c.model.hidden_size, f.hidden);
  set("--layers", c.model.num_layers, f.layers);
  set("--bidirectional", c.model.bidirectional, f.bidirectional);
  set("--dropout", c.model.dropout, f.dropout);
  if (f.config_file.empty() || given(cmd, "--head")) c.model.head = forecast::parse_head(f.head);
  if (f.config_file.empty() || given(cmd, "--strategy")) {
    c.model.strategy = forecast::parse_strategy(f.strategy);
  }
  if (given(cmd, "--quantiles")) c.model.quantiles = f.quantiles;
  if (f.config_file.empty() || given(cmd, "--input-scaler")) {
    c.input_scaler = data::parse_scaler_kind(f.input_scaler);
  }
  if (f.config_file.empty() || given(cmd, "--target-scaler")) {
    c.target_scaler = data::parse_scaler_kind(f.target_scaler);
  }
  set("--epochs", c.training.epochs, f.epochs);
  set("--batch-size", c.training.batch_size, f.batch);
  set("--lr", c.training.lr, f.lr);
  set("--patience", c.training.patience, f.patience);
  set("--clip-grad-norm", c.training.clip_grad_norm, f.clip);
  set("--seed", c.training.seed, f.seed);
  set("--val-fraction", c.training.val_fraction, f.val_fraction);
  set("--test-fraction", c.training.test_fraction, f.test_fraction);
  set("--gap", c.training.gap, f.gap);
  set("--ensemble", c.training.ensemble, f.ensemble);
  c.validate();
  return c;
}

void print_files(const std::string& out, const std::vector<std::string>& files) {
  std::cout << "Wrote " << out << "/: ";
  for (size_t i = 0; i < files.size(); ++i) std::cout << (i ? ", " : "") << files[i];
  std::cout << "\n";
}

// A many-series run: the aggregate tables and the verdict, or JSON.
void print_panel(const CommonFlags& f, const forecast::PanelRun& r, json extra = json::object()) {
  print_warnings(f, r.warnings);
  if (f.json_output) {
    json out = forecast::panel_json(r);
    out["warnings"] = r.warnings;
    out.update(extra);
    std::cout << out.dump(2) << "\n";
  } else if (!f.quiet) {
    std::cout << forecast::format_panel_run(r);
  }
}

void print_panel_training(const TrainFlags& f, const forecast::PanelRun& r) {
  print_panel(
      f.common, r,
      {{"run", f.out}, {"epochs", r.epochs_run}, {"best_epoch", r.best_epoch}, {"files", r.files}});
  if (!f.common.json_output && !f.common.quiet) {
    std::cout << "\n";
    print_files(f.out, r.files);
  }
}

void add_scoring_flags(CLI::App& cmd, ScoringFlags& f) {
  cmd.add_option("--season", f.season,
                 "seasonal-naive period in rows (default: the frequency's, 12 monthly, 4 "
                 "quarterly, 52 weekly, 7 daily, 5 trading days, 24 hourly, 48 half-hourly; "
                 "none for yearly)")
      ->check(cli::whole_number(1, 100000));
  cmd.add_option("--ma-window", f.moving_average, "moving-average baseline window (default 20)")
      ->check(cli::whole_number(1, 100000));
  cmd.add_option("--ar-order", f.ar_order, "order p of the AR(p) baseline (default 5)")
      ->check(cli::whole_number(1, 1000));
  cmd.add_option("--level", f.level, "prediction-interval level (default 0.9)")
      ->check(cli::real_number(0.0, 1.0, Bounds::kOpen));
}

void add_train(CLI::App& forecast, TrainFlags& f) {
  CLI::App* cmd = forecast.add_subcommand("train",
                                          "train a model, score it against baselines, "
                                          "write a run folder");
  cmd->footer(
      "Examples:\n  recur forecast train --data data/sp500_2000_2020_ohlcv.csv --out runs/sp500\n"
      "  recur forecast train --data data/airpassengers_1949_1960_monthly.csv --date-column "
      "Month --target Passengers --out runs/air\n"
      "  recur forecast train --data data/synthetic_panel_30x2500_wide.csv --layout wide "
      "--symbols all --target-kind log_return --out runs/panel\n\n"
      "The frequency (yearly ... half-hourly) is inferred from the dates unless --frequency "
      "gives it; the seasonal-naive period follows it unless --season gives one; gaps in the "
      "dates are reported, not filled (docs/FORECAST.md, \"Frequencies and gaps\").\n\n"
      "The defaults predict the next day's change of the close (--target-kind difference) from "
      "30 days of closes: of the setups tried on the validation splits of the shipped price "
      "series they did best (docs/FORECAST.md, \"Defaults\"). --target-kind price is the "
      "tutorial's price-level setup, which did far worse than the naive forecast there.\n\n"
      "The run folder gets model.safetensors, config.json, metrics.json, predictions.csv, "
      "training.csv, checkpoint.safetensors, report.md and forecast.png, loss.png, errors.png; "
      "with --ensemble K also members/member_<k>.safetensors, members/training_<k>.csv and "
      "members/checkpoint_<k>.safetensors (model.safetensors is member 0).");
  cmd->add_option("--data", f.data,
                  "CSV of a series: a date or time column and numeric columns (daily prices, "
                  "or monthly, yearly, hourly ... values)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", f.out, "run folder to write (default runs/forecast)");
  cmd->add_option("--config", f.config_file, "a config.json to start from; flags override it")
      ->check(CLI::ExistingFile);
  cmd->add_option("--target", f.target, "price column to forecast (default close)");
  cmd->add_option("--target-kind", f.target_kind,
                  "difference | log_return | price (default difference; price: the tutorial's "
                  "price-level target)")
      ->check(CLI::IsMember({"price", "difference", "log_return"}));
  cmd->add_option("--features", f.features,
                  "model inputs: columns or derived (return, log_return, log_volume, hl_range, "
                  "ma<N>, dow_onehot, dow_sincos); default: the target column, or log_return for "
                  "--target-kind log_return");
  cmd->add_option("--symbol", f.symbol, "the ticker to model, of a file with several");
  cmd->add_option("--symbols", f.symbols,
                  "model many series of the file: 'all', or tickers separated by commas; one "
                  "global network unless --per-series")
      ->delimiter(',');
  cmd->add_flag("--per-series", f.per_series,
                "with --symbols: one network per series instead of one global network");
  cmd->add_option("--layout", f.layout,
                  "long (a symbol column tells the tickers apart; the default) | wide (a date "
                  "column and one column per ticker)")
      ->check(CLI::IsMember({"long", "wide"}));
  cmd->add_option("--date-column", f.date_column, "name of the date or time column (default date)");
  cmd->add_option("--frequency", f.frequency,
                  "yearly | quarterly | monthly | weekly | daily | business_daily | hourly | "
                  "half_hourly (default: inferred from the dates)")
      ->check(CLI::IsMember({"yearly", "quarterly", "monthly", "weekly", "daily", "business_daily",
                             "hourly", "half_hourly"}));
  cmd->add_option("--missing", f.missing, "error | ffill (forward-fill missing values)")
      ->check(CLI::IsMember({"error", "ffill"}));
  cmd->add_option("--window", f.window, "input window length W in rows (default 30)")
      ->check(within(kLimits.window));
  cmd->add_option("--horizon", f.horizon, "steps (rows) ahead H (default 1)")
      ->check(within(kLimits.horizon));
  cmd->add_option("--model", f.cell, "lstm | gru | rnn (default lstm)")
      ->check(CLI::IsMember({"lstm", "gru", "rnn"}));
  cmd->add_option("--hidden", f.hidden, "hidden size (default 64)")
      ->check(within(kLimits.hidden_size));
  cmd->add_option("--layers", f.layers, "stacked layers (default 2)")
      ->check(within(kLimits.num_layers));
  cmd->add_flag("--bidirectional", f.bidirectional, "read the window in both directions");
  cmd->add_option("--dropout", f.dropout, "dropout between layers (default 0)")
      ->check(cli::real_number(0.0, 1.0, Bounds::kOpenMax));
  cmd->add_option("--head", f.head, "point | gaussian | quantile (intervals with the last two)")
      ->check(CLI::IsMember({"point", "gaussian", "quantile"}));
  cmd->add_option("--quantiles", f.quantiles, "quantiles of the quantile head (must hold 0.5)")
      ->check(cli::real_number(0.0, 1.0, Bounds::kOpen));
  cmd->add_option("--strategy", f.strategy, "direct | recursive multi-step forecasts")
      ->check(CLI::IsMember({"direct", "recursive"}));
  cmd->add_option("--input-scaler", f.input_scaler, "standard | minmax | robust | none")
      ->check(CLI::IsMember({"standard", "minmax", "robust", "none"}));
  cmd->add_option("--target-scaler", f.target_scaler, "standard | minmax | robust | none")
      ->check(CLI::IsMember({"standard", "minmax", "robust", "none"}));
  cmd->add_option("--epochs", f.epochs, "maximum epochs (default 50)")
      ->check(within(kLimits.epochs));
  cmd->add_option("--batch-size", f.batch, "mini-batch size (default 32)")
      ->check(within(kLimits.batch_size));
  cmd->add_option("--lr", f.lr, "Adam learning rate (default 1e-3)")
      ->check(cli::real_number(0.0, kLimits.max_lr, Bounds::kOpenMin));
  cmd->add_option("--patience", f.patience, "early-stopping patience in epochs (default 8)")
      ->check(within(kLimits.epochs));
  cmd->add_option("--clip-grad-norm", f.clip, "gradient-norm clipping, 0 = off (default 1)")
      ->check(cli::real_number(0.0));
  cmd->add_option("--seed", f.seed, "random seed (default 0): same seed, same result")
      ->check(cli::whole_number(0));
  cmd->add_option("--val-fraction", f.val_fraction, "validation share (default 0.15)")
      ->check(cli::real_number(0.0, 1.0, Bounds::kOpen));
  cmd->add_option("--test-fraction", f.test_fraction, "test share (default 0.15)")
      ->check(cli::real_number(0.0, 1.0, Bounds::kOpen));
  cmd->add_option("--gap", f.gap, "rows left out between splits (default 0)")
      ->check(within(kLimits.gap));
  cmd->add_option("--ensemble", f.ensemble,
                  "train K networks from seeds seed .. seed+K-1 in parallel and average their "
                  "forecasts (default 1; at most 64)")
      ->check(within(kLimits.ensemble));
  cmd->add_flag("--resume", f.resume,
                "continue an interrupted run (its checkpoint in <out>.partial/)");
  add_scoring_flags(*cmd, f.scoring);
  add_common(*cmd, f.common);
  cmd->callback([cmd, &f] {
    cli::run_reporting_errors("forecast train", [&] {
      apply_threads(f.common);
      forecast::RunOptions options{.data_path = f.data,
                                   .out_dir = f.out,
                                   .config = build_config(*cmd, f),
                                   .baselines = f.scoring.baselines(),
                                   .interval_level = f.scoring.level,
                                   .resume = f.resume,
                                   .progress = f.common.quiet || f.common.json_output
                                                   ? train::ProgressStyle::Quiet
                                                   : train::ProgressStyle::Auto};
      if (options.config.panel.active()) {
        print_panel_training(f, forecast::train_panel(options));
        return;
      }
      const forecast::RunResult r = forecast::train_run(options);
      print_warnings(f.common, r.warnings);
      if (f.common.json_output) {
        json out = scored_json(r);
        out["run"] = f.out;
        out["epochs"] = r.epochs_run;
        out["best_epoch"] = r.best_epoch;
        out["files"] = r.files;
        std::cout << out.dump(2) << "\n";
      } else if (!f.common.quiet) {
        std::cout << scored_text(r) << "\n";
        print_files(f.out, r.files);
      }
    });
  });
}

// predict, evaluate and backtest: a trained run and data; predict uses only the level of
// `scoring`, which it adds as its own flag.
struct RunFlags {
  std::string model, data;
  ScoringFlags scoring;
  CommonFlags common;
};

json prediction_json(const forecast::Prediction& p) {
  json rows = json::array();
  for (const auto& r : p.rows) {
    json row = {{"step", r.step}, {"date", r.date}, {"price", r.price}};
    if (r.lower) row["lower"] = *r.lower, row["upper"] = *r.upper;
    rows.push_back(row);
  }
  return {{"last_date", p.last_date},
          {"last_price", p.last_price},
          {"interval_level", p.interval_level},
          {"forecast", rows},
          {"warnings", p.warnings}};
}

std::string prediction_text(const forecast::Prediction& p) {
  std::ostringstream out;
  out << "last row " << p.last_date << ": " << p.last_price << "\n";
  for (const auto& r : p.rows) {
    out << "  t+" << r.step << "  " << r.date << "  " << r.price;
    if (r.lower) {
      out << "   " << static_cast<int>(std::lround(100 * p.interval_level)) << "% interval ["
          << *r.lower << ", " << *r.upper << "]";
    }
    out << "\n";
  }
  return out.str();
}

void print_panel_predictions(const CommonFlags& f,
                             const std::vector<forecast::SeriesPrediction>& predictions) {
  for (const auto& s : predictions) {
    std::vector<std::string> warnings;
    for (const std::string& w : s.prediction.warnings) warnings.push_back(s.symbol + ": " + w);
    print_warnings(f, warnings);
  }
  if (f.json_output) {
    json out = json::array();
    for (const auto& s : predictions) {
      json one = prediction_json(s.prediction);
      one["symbol"] = s.symbol;
      out.push_back(one);
    }
    std::cout << json{{"series", out}}.dump(2) << "\n";
    return;
  }
  for (const auto& s : predictions) std::cout << s.symbol << ": " << prediction_text(s.prediction);
}

void add_predict(CLI::App& forecast, RunFlags& f) {
  CLI::App* cmd = forecast.add_subcommand("predict", "forecast the next day(s) after the data");
  cmd->footer(
      "Example:\n  recur forecast predict --model runs/sp500 --data "
      "data/sp500_2000_2020_ohlcv.csv");
  cmd->add_option("--model", f.model, "run folder (config.json + model.safetensors)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--data", f.data, "CSV with at least `window` rows, newest last")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--level", f.scoring.level, "prediction-interval level (default 0.9)")
      ->check(cli::real_number(0.0, 1.0, Bounds::kOpen));
  add_common(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("forecast predict", [&] {
      apply_threads(f.common);
      if (forecast::is_panel_run(f.model)) {
        print_panel_predictions(f.common,
                                forecast::predict_panel(f.model, f.data, f.scoring.level));
        return;
      }
      const forecast::Prediction p = forecast::predict_run(f.model, f.data, f.scoring.level);
      print_warnings(f.common, p.warnings);
      if (f.common.json_output) {
        std::cout << prediction_json(p).dump(2) << "\n";
      } else {
        std::cout << prediction_text(p);
      }
    });
  });
}

void add_evaluate(CLI::App& forecast, RunFlags& f) {
  CLI::App* cmd = forecast.add_subcommand(
      "evaluate", "score a trained run and the baselines on a CSV's validation and test splits");
  cmd->footer(
      "Example:\n  recur forecast evaluate --model runs/sp500 --data "
      "data/sp500_2000_2020_ohlcv.csv --json");
  cmd->add_option("--model", f.model, "run folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--data", f.data, "CSV of the series")->required()->check(CLI::ExistingFile);
  add_scoring_flags(*cmd, f.scoring);
  add_common(*cmd, f.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("forecast evaluate", [&] {
      apply_threads(f.common);
      if (forecast::is_panel_run(f.model)) {
        print_panel(f.common, forecast::evaluate_panel(f.model, f.data, f.scoring.baselines(),
                                                       f.scoring.level));
        return;
      }
      const forecast::RunResult r =
          forecast::evaluate_run(f.model, f.data, f.scoring.baselines(), f.scoring.level);
      print_warnings(f.common, r.warnings);
      if (f.common.json_output) {
        std::cout << scored_json(r).dump(2) << "\n";
      } else if (!f.common.quiet) {
        std::cout << scored_text(r);
      }
    });
  });
}

struct BacktestFlags {
  RunFlags run;
  double initial = 0.5;
  size_t step = 20, refit_every = 0;
  std::string window = "expanding";
};

void add_backtest(CLI::App& forecast, BacktestFlags& f) {
  CLI::App* cmd = forecast.add_subcommand(
      "backtest", "walk-forward evaluation of the network and the baselines");
  cmd->footer(
      "Example:\n  recur forecast backtest --model runs/sp500 --data "
      "data/sp500_2000_2020_ohlcv.csv --initial 0.6 --step 20 --refit-every 250\n\n"
      "With --refit-every 0 (the default) the run's trained network is used as it is "
      "and must not have seen the backtest period: start --initial after its training "
      "split.");
  cmd->add_option("--model", f.run.model, "run folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--data", f.run.data, "CSV of the series")->required()->check(CLI::ExistingFile);
  cmd->add_option("--initial", f.initial, "first origin as a share of the rows (default 0.5)")
      ->check(cli::real_number(0.0, 1.0, Bounds::kOpen));
  cmd->add_option("--step", f.step, "rows between origins (default 20)")
      ->check(cli::whole_number(1, 1000000000));
  cmd->add_option("--refit-every", f.refit_every,
                  "retrain the network every N rows (0: use the trained network)")
      ->check(cli::whole_number(0, 1000000000));
  cmd->add_option("--window-type", f.window, "expanding | rolling training window")
      ->check(CLI::IsMember({"expanding", "rolling"}));
  add_scoring_flags(*cmd, f.run.scoring);
  add_common(*cmd, f.run.common);
  cmd->callback([&f] {
    cli::run_reporting_errors("forecast backtest", [&] {
      apply_threads(f.run.common);
      if (f.window != "expanding" && f.window != "rolling") {
        throw ValueError("--window-type must be expanding or rolling, got '" + f.window + "'");
      }
      forecast::BacktestOptions options;
      options.data_path = f.run.data;
      options.run_dir = f.run.model;
      options.initial_fraction = f.initial;
      options.config.step = f.step;
      options.config.refit_every = f.refit_every;
      options.config.fit = f.refit_every > 0;
      options.config.window = f.window == "rolling" ? forecast::TrainingWindow::kRolling
                                                    : forecast::TrainingWindow::kExpanding;
      options.config.interval_level = f.run.scoring.level;
      options.baselines = f.run.scoring.baselines();
      options.progress = f.run.common.quiet || f.run.common.json_output
                             ? train::ProgressStyle::Quiet
                             : train::ProgressStyle::Auto;
      if (forecast::is_panel_run(options.run_dir)) {
        print_panel(f.run.common, forecast::backtest_panel(options));
        return;
      }
      const forecast::BacktestRun run = forecast::backtest_run(options);
      print_warnings(f.run.common, run.warnings);
      const std::vector<forecast::ReportRow> rows = run.results.rows(
          "backtest (" + std::to_string(run.results.model.folds.size()) + " folds)");
      if (f.run.common.json_output) {
        json out = forecast::metrics_json(rows);
        out["data"] = forecast::series_json(run.series);
        std::cout << out.dump(2) << "\n";
      } else if (!f.run.common.quiet) {
        std::cout << forecast::format_table(rows);
      }
    });
  });
}

}  // namespace forecast_command

void add_forecast_command(CLI::App& app) {
  using namespace forecast_command;
  CLI::App* forecast =
      app.add_subcommand("forecast", "time-series forecasting: train, predict, evaluate, backtest");
  forecast->require_subcommand(1);
  // Flag storage lives as long as the program: CLI11 writes into it while parsing.
  static TrainFlags train_flags;
  static RunFlags predict_flags, evaluate_flags;
  static BacktestFlags backtest_flags;
  add_train(*forecast, train_flags);
  add_predict(*forecast, predict_flags);
  add_evaluate(*forecast, evaluate_flags);
  add_backtest(*forecast, backtest_flags);
}
