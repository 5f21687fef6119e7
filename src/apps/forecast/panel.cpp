#include "recur/apps/forecast/panel.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/apps/forecast/global_model.h"
#include "recur/apps/forecast/plot.h"
#include "recur/io/atomic_file.h"
#include "recur/io/csv.h"
#include "recur/io/run_folder.h"
#include "recur/nn/module.h"
#include "series_steps.h"

namespace recur::forecast {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// One series of the file, loaded, checked and split as a single-series run would do it.
struct PanelSeries {
  std::string symbol;
  LoadedData data;
  data::Splits splits;
};

// Series s's files in a per-series run folder (s from 0; numbered from 1, so that a ticker's
// spelling never has to be a file name); member k > 0 of an ensemble adds "_member_<k>".
std::string series_file(const std::string& stem, size_t s, int64_t k, const std::string& ext) {
  return "series/" + stem + std::to_string(s + 1) +
         (k > 0 ? "_member_" + std::to_string(k) : std::string()) + ext;
}
std::string series_weights_file(size_t s, int64_t k) {
  return series_file("", s, k, ".safetensors");
}
std::string series_log_file(size_t s, int64_t k) { return series_file("training_", s, k, ".csv"); }
std::string series_checkpoint_file(size_t s, int64_t k) {
  return series_file("checkpoint_", s, k, ".safetensors");
}

// Every checkpoint a many-series run keeps, the first network's first: member k's of the global
// network, or each series' members'.
std::vector<std::string> panel_checkpoints(PanelMode mode, size_t series, int64_t members) {
  std::vector<std::string> out;
  for (size_t s = 0; s < (mode == PanelMode::kGlobal ? 1 : series); ++s) {
    for (int64_t k = 0; k < members; ++k) {
      out.push_back(mode == PanelMode::kGlobal ? member_checkpoint_file(k)
                                               : series_checkpoint_file(s, k));
    }
  }
  return out;
}

std::string symbols_text(const std::vector<data::PriceTable>& tables) {
  std::string out;
  for (const data::PriceTable& t : tables) out += (out.empty() ? "" : ", ") + t.symbol;
  return out;
}

// What a many-series run calls the one series of a file without a symbol column.
constexpr const char* kUnnamedSeries = "series";

// The tables `wanted` names ({"all"}: every one), in the order asked for.
std::vector<data::PriceTable> select_tables(std::vector<data::PriceTable> tables,
                                            const std::vector<std::string>& wanted,
                                            const std::string& path) {
  const bool unnamed = tables.size() == 1 && tables.front().symbol.empty();
  if (unnamed) tables.front().symbol = kUnnamedSeries;
  if (wanted.size() == 1 && wanted.front() == "all") return tables;
  std::vector<data::PriceTable> out;
  for (const std::string& name : wanted) {
    auto it = std::find_if(tables.begin(), tables.end(), [&](const data::PriceTable& t) {
      return io::column_key(t.symbol) == io::column_key(name);
    });
    if (it == tables.end() && unnamed) {
      throw ValueError(path + ": no series " + io::quote_cell(name) +
                       ": the file holds a single series (no symbol column); --symbols names the "
                       "tickers of a long file's symbol column or a wide file's columns "
                       "(--layout wide)");
    }
    if (it == tables.end()) {
      throw ValueError(path + ": no series " + io::quote_cell(name) + " (the file has " +
                       std::to_string(tables.size()) + ": " + symbols_text(tables) + ")");
    }
    if (std::any_of(out.begin(), out.end(),
                    [&](const data::PriceTable& t) { return t.symbol == it->symbol; })) {
      throw ValueError(path + ": series " + io::quote_cell(name) + " is asked for twice");
    }
    out.push_back(*it);
  }
  return out;
}

// Every series `wanted` names, each checked and split; nothing is trained yet.
std::vector<PanelSeries> load_panel(const std::string& path, const ForecastConfig& config,
                                    const std::vector<std::string>& wanted) {
  ForecastConfig one = config;
  one.symbol.clear();  // every ticker, then the ones wanted
  std::vector<data::PriceTable> tables =
      select_tables(data::load_price_tables(path, load_options(one)), wanted, path);
  std::vector<PanelSeries> out;
  for (data::PriceTable& t : tables) {
    const std::string symbol = t.symbol;
    PanelSeries s{symbol, load_series(std::move(t), config), {}};
    s.splits = splits_of(s.data.frame, config);
    check_splits(s.splits, config, path + " (series " + symbol + ")");
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> symbols_of(const PanelConfig& panel) {
  std::vector<std::string> out;
  for (const PanelConfig::Series& s : panel.series) out.push_back(s.symbol);
  return out;
}

// Each series' warnings, prefixed with its ticker.
std::vector<std::string> panel_warnings(const std::vector<PanelSeries>& series) {
  std::vector<std::string> out;
  for (const PanelSeries& s : series) {
    for (const std::string& w : data_warnings(s.data, s.splits)) out.push_back(s.symbol + ": " + w);
  }
  return out;
}

std::vector<Baselines> fit_panel_baselines(const BaselineOptions& options,
                                           std::vector<PanelSeries>& series,
                                           std::vector<SeriesResult>& results) {
  std::vector<Baselines> out;
  for (PanelSeries& s : series) {
    SeriesResult r{s.symbol, s.data.series, {}, {}};
    out.push_back(fit_baselines(resolve_baselines(options, r.series), s.data.frame, s.splits));
    results.push_back(std::move(r));
  }
  return out;
}

// One series' forecaster over the shared, trained network(s) of a global model (one per member).
EnsembleForecaster view_of(const PanelSeries& s, const ForecastConfig& config,
                           const data::FrameScalers& scalers,
                           const std::vector<std::shared_ptr<ForecastNet>>& nets) {
  std::vector<NeuralForecaster> members;
  for (size_t k = 0; k < nets.size(); ++k) {
    members.emplace_back(s.data.frame,
                         with_scalers(member_config(config, static_cast<int64_t>(k)), scalers),
                         nets[k]);
  }
  return EnsembleForecaster(std::move(members));
}

// Scores every series' model and baselines on its validation and test splits.
void score_panel(PanelRun& run, std::vector<PanelSeries>& series,
                 std::vector<EnsembleForecaster>& models, std::vector<Baselines>& baselines,
                 int horizon, double level) {
  for (size_t k = 0; k < series.size(); ++k) {
    const PanelSeries& s = series[k];
    SeriesResult& r = run.series[k];
    r.validation =
        score_split(models[k], baselines[k], s.data.frame, s.splits, s.splits.val, horizon, level);
    r.test =
        score_split(models[k], baselines[k], s.data.frame, s.splits, s.splits.test, horizon, level);
  }
  run.model = models.front().name();
  run.summaries = {summarize_panel(run.series, &SeriesResult::validation, "validation"),
                   summarize_panel(run.series, &SeriesResult::test, "test")};
  run.verdict = panel_verdict(run.summaries.back());
}

// The trained network(s) of a run folder, one forecaster per series.
std::vector<EnsembleForecaster> load_panel_models(const std::string& run_dir,
                                                  const ForecastConfig& config,
                                                  const std::vector<PanelSeries>& series) {
  // Each series' own network(s), loaded as a single run's ensemble is; a global model's are
  // loaded once, through the first series, and shared by every series' view.
  auto load = [&](size_t s, const std::function<std::string(int64_t)>& file_of) {
    EnsembleForecaster model(series[s].data.frame,
                             with_scalers(config, config.panel.series[s].scalers));
    model.load_weights([&](int64_t k) { return in_dir(run_dir, file_of(k)); });
    return model;
  };
  std::vector<EnsembleForecaster> models;
  if (config.panel.mode == PanelMode::kPerSeries) {
    for (size_t s = 0; s < series.size(); ++s) {
      models.push_back(load(s, [s](int64_t k) { return series_weights_file(s, k); }));
    }
    return models;
  }
  EnsembleForecaster first = load(0, member_weights_file);
  std::vector<std::shared_ptr<ForecastNet>> nets;
  for (NeuralForecaster& member : first.members()) nets.push_back(member.net());
  for (size_t s = 0; s < series.size(); ++s) {
    models.push_back(view_of(series[s], config, config.panel.series[s].scalers, nets));
  }
  return models;
}

ForecastConfig load_panel_config(const std::string& run_dir) {
  ForecastConfig config = load_config(in_dir(run_dir, "config.json"));
  if (!config.panel.active() || config.panel.series.empty()) {
    throw ValueError(in_dir(run_dir, "config.json") +
                     ": not a trained many-series run (no 'panel.series')");
  }
  return config;
}

// predictions.csv of every series: "symbol," then a single series' columns.
void write_panel_predictions(const std::string& path, const std::vector<PanelSeries>& series,
                             const PanelRun& run, int horizon) {
  std::ostringstream csv;
  csv << "symbol," << prediction_header(run.series.front().test) << "\n";
  for (size_t k = 0; k < series.size(); ++k) {
    append_predictions(csv, series[k].data.frame, run.series[k].test, horizon,
                       io::csv_field(run.series[k].symbol) + ",");
  }
  io::write_file_atomically(path, csv.str());
}

std::vector<PlotLink> write_panel_plots(const std::string& dir, const PanelRun& run,
                                        const train::History& history) {
  const PanelSummary& test = run.summaries.back();
  SeriesMasePlot plot;
  plot.title = "MASE by series (" + test.split + " split)";
  plot.model_label = test.model;
  for (const SeriesVerdict& v : test.rows) {
    plot.labels.push_back(v.symbol);
    plot.model.push_back(v.model_mase);
    plot.naive.push_back(v.naive_mase);
  }
  plot_series_mase(in_dir(dir, "mase.png"), plot);
  std::vector<PlotLink> plots = {{"MASE of each series, model and naive (test split)", "mase.png"}};
  if (std::optional<PlotLink> loss =
          write_loss_plot(dir, history, "Training loss of the global network (all series)")) {
    plots.push_back(*loss);
  }
  return plots;
}

std::string mode_note(const PanelRun& run, const ForecastConfig& c) {
  const int64_t k = c.training.ensemble;
  const std::string members =
      k > 1 ? std::string(run.mode == PanelMode::kGlobal ? " The global model"
                                                         : " Each series' model") +
                  " is an ensemble of " + std::to_string(k) + " networks (seeds " +
                  std::to_string(c.training.seed) + " to " +
                  std::to_string(c.training.seed + static_cast<uint64_t>(k) - 1) +
                  ") whose forecasts are averaged."
            : "";
  if (run.mode == PanelMode::kPerSeries) {
    return "One network per series (`--per-series`), each trained on its own series exactly as a "
           "single-series run would be." +
           members;
  }
  return "One global network trained on the windows of all " + std::to_string(run.series.size()) +
         " series (each window from one series only), each series scaled by scalers fitted on "
         "its own training rows." +
         members;
}

void write_panel_report(const std::string& dir, const PanelRun& run, const ForecastConfig& c,
                        const std::string& data_path, std::vector<PlotLink> plots) {
  ReportInput report;
  report.title = "Forecast report: " + fs::path(data_path).filename().string() + ", " +
                 std::to_string(run.series.size()) + " series";
  report.headline = run.verdict;
  report.notes = {mode_note(run, c), target_note(c),
                  "MASE divides each series' errors by its own in-sample naive error, so it can "
                  "be averaged across series; the exact definitions are in recur's "
                  "docs/FORECAST_METRICS.md. Each series' frequency, gaps and full metrics are in "
                  "metrics.json."};
  report.warnings = run.warnings;
  for (auto it = run.summaries.rbegin(); it != run.summaries.rend(); ++it) {
    report.sections.push_back(panel_markdown(*it));
  }
  report.plots = std::move(plots);
  report.config = {
      {"data", data_path},
      {"series", std::to_string(run.series.size()) + " (" + panel_mode_name(run.mode) + ")"},
      {"target",
       c.features.target_column + " (" + data::target_kind_name(c.features.target) + ")"}};
  for (auto& row : model_rows(c, c.training.ensemble)) report.config.push_back(std::move(row));
  write_report(in_dir(dir, "report.md"), report);
}

// Every series' data fingerprint, by symbol: what a global network's checkpoint was trained on.
std::string panel_fingerprint(const std::vector<PanelSeries>& series) {
  std::string all;
  for (const PanelSeries& s : series) {
    all += (all.empty() ? "" : "; ") + s.symbol + ": " + fingerprint(s.data.frame);
  }
  return all;
}

// The networks a many-series run trained, one forecaster per series, and what was written.
struct PanelTraining {
  std::vector<EnsembleForecaster> models;
  std::vector<std::string> files;
  train::History history;  // the global network's (member 0); empty per series
};

// Member k of the global model trains on every series, seeded seed + k, and keeps a checkpoint
// (`resume`: continue from it); member 0 shows the progress and writes training.csv. The
// members train one after another, each on all threads.
PanelTraining train_global(const std::vector<PanelSeries>& series, const ForecastConfig& config,
                           const io::StagedRunFolder& staged, train::ProgressStyle progress,
                           bool resume) {
  std::vector<data::FeatureFrame> frames;
  std::vector<data::Splits> splits;
  for (const PanelSeries& s : series) {
    frames.push_back(s.data.frame);
    splits.push_back(s.splits);
  }
  PanelTraining out;
  std::vector<std::shared_ptr<ForecastNet>> nets;
  std::vector<data::FrameScalers> scalers;
  for (int64_t k = 0; k < config.training.ensemble; ++k) {
    const ForecastConfig member = member_config(config, k);
    const FitOptions options{.checkpoint_path = staged.file(member_checkpoint_file(k)),
                             .resume = resume,
                             .metrics_csv = staged.file(member_log_file(k)),
                             .progress = k == 0 ? progress : train::ProgressStyle::Quiet,
                             .run_identity = run_identity(panel_fingerprint(series), member)};
    GlobalFit fit = fit_global(frames, splits, member, options);
    nn::save(*fit.net, staged.file(member_weights_file(k)));
    out.files.insert(out.files.end(),
                     {member_weights_file(k), member_log_file(k), member_checkpoint_file(k)});
    nets.push_back(fit.net);
    if (k == 0) {
      scalers = std::move(fit.scalers);  // the same for every member: the same training rows
      out.history = std::move(fit.history);
    }
  }
  for (size_t s = 0; s < series.size(); ++s) {
    out.models.push_back(view_of(series[s], config, scalers[s], nets));
  }
  return out;
}

// Each series' network(s), trained as a single-series run with --symbol would train them. Each
// network keeps a checkpoint of its own, which belongs to that series' data (`resume`: continue
// from it; a network whose training had finished trains nothing more).
PanelTraining train_per_series(const std::vector<PanelSeries>& series, const ForecastConfig& config,
                               const io::StagedRunFolder& staged, train::ProgressStyle progress,
                               bool resume) {
  PanelTraining out;
  for (size_t s = 0; s < series.size(); ++s) {
    EnsembleForecaster model(series[s].data.frame, config, [&](int64_t k) {
      return FitOptions{.checkpoint_path = staged.file(series_checkpoint_file(s, k)),
                        .resume = resume,
                        .metrics_csv = staged.file(series_log_file(s, k)),
                        .progress = k == 0 ? progress : train::ProgressStyle::Quiet,
                        .run_identity = run_identity(fingerprint(series[s].data.frame),
                                                     member_config(config, k))};
    });
    model.fit_rows(series[s].splits.train, series[s].splits.val);
    for (int64_t k = 0; k < static_cast<int64_t>(model.size()); ++k) {
      nn::save(*model.members()[static_cast<size_t>(k)].net(),
               staged.file(series_weights_file(s, k)));
      out.files.insert(out.files.end(), {series_weights_file(s, k), series_log_file(s, k),
                                         series_checkpoint_file(s, k)});
    }
    out.models.push_back(std::move(model));
  }
  return out;
}

}  // namespace

bool is_panel_run(const std::string& run_dir) {
  const std::string path = in_dir(run_dir, "config.json");
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  return load_config(path).panel.active();
}

PanelRun train_panel(const RunOptions& options) {
  ForecastConfig config = options.config;
  config.validate();
  check_level("forecast train", options.interval_level);
  if (!config.panel.active()) throw ValueError("forecast train: no series named (--symbols)");
  // Everything that can fail without training is checked before the run folder is touched.
  std::vector<PanelSeries> series = load_panel(options.data_path, config, config.panel.symbols);
  PanelRun run;
  run.mode = config.panel.mode;
  run.warnings = panel_warnings(series);
  std::vector<Baselines> baselines = fit_panel_baselines(options.baselines, series, run.series);

  const int64_t members = config.training.ensemble;
  // A failed run keeps its staging folder for --resume once its first network has a checkpoint.
  const std::vector<std::string> checkpoints = panel_checkpoints(run.mode, series.size(), members);
  io::StagedRunFolder staged(options.out_dir,
                             {.resume = options.resume, .keep_with = checkpoints.front()});
  if (options.resume) carry_checkpoints(options.out_dir, staged, checkpoints);
  if (members > 1) fs::create_directories(staged.staging() / "members");
  if (run.mode == PanelMode::kPerSeries) fs::create_directories(staged.staging() / "series");
  PanelTraining trained =
      run.mode == PanelMode::kGlobal
          ? train_global(series, config, staged, options.progress, options.resume)
          : train_per_series(series, config, staged, options.progress, options.resume);
  std::vector<EnsembleForecaster>& models = trained.models;
  std::vector<std::string>& files = trained.files;
  const train::History& history = trained.history;
  run.epochs_run = static_cast<int64_t>(history.epochs.size());
  run.best_epoch = history.best_epoch;
  config.panel.series.clear();
  for (size_t k = 0; k < series.size(); ++k) {
    config.panel.series.push_back({series[k].symbol, models[k].front().config().scalers});
  }
  save_config(staged.file("config.json"), config);
  files.push_back("config.json");

  const int horizon = static_cast<int>(config.horizon);
  score_panel(run, series, models, baselines, horizon, options.interval_level);
  const std::string dir = staged.staging().string();
  io::write_file_atomically(in_dir(dir, "metrics.json"), panel_json(run).dump(2) + "\n");
  write_panel_predictions(in_dir(dir, "predictions.csv"), series, run, horizon);
  std::vector<PlotLink> plots = write_panel_plots(dir, run, history);
  write_panel_report(dir, run, config, options.data_path, plots);
  files.insert(files.end(), {"metrics.json", "predictions.csv", "report.md"});
  for (const PlotLink& p : plots) files.push_back(p.path);
  run.files = std::move(files);
  staged.commit();
  return run;
}

PanelRun evaluate_panel(const std::string& run_dir, const std::string& data_path,
                        const BaselineOptions& baseline_options, double interval_level) {
  check_level("forecast evaluate", interval_level);
  const ForecastConfig config = load_panel_config(run_dir);
  std::vector<PanelSeries> series = load_panel(data_path, config, symbols_of(config.panel));
  PanelRun run;
  run.mode = config.panel.mode;
  run.warnings = panel_warnings(series);
  std::vector<Baselines> baselines = fit_panel_baselines(baseline_options, series, run.series);
  std::vector<EnsembleForecaster> models = load_panel_models(run_dir, config, series);
  score_panel(run, series, models, baselines, static_cast<int>(config.horizon), interval_level);
  return run;
}

std::vector<SeriesPrediction> predict_panel(const std::string& run_dir,
                                            const std::string& data_path, double interval_level) {
  check_level("forecast predict", interval_level);
  const ForecastConfig config = load_panel_config(run_dir);
  std::vector<PanelSeries> series = load_panel(data_path, config, symbols_of(config.panel));
  std::vector<EnsembleForecaster> models = load_panel_models(run_dir, config, series);
  std::vector<SeriesPrediction> out;
  for (size_t k = 0; k < series.size(); ++k) {
    const LoadedData& d = series[k].data;
    out.push_back({series[k].symbol, forecast_next(models[k], d, static_cast<int>(config.horizon),
                                                   interval_level, run_dir)});
  }
  return out;
}

PanelRun backtest_panel(const BacktestOptions& options) {
  check_backtest_options(options);
  const ForecastConfig config = load_panel_config(options.run_dir);
  if (options.config.fit && config.panel.mode == PanelMode::kGlobal) {
    throw ValueError(
        "forecast backtest: refitting (--refit-every) a global many-series network "
        "is not supported yet; --refit-every 0 scores the trained network, and a "
        "--per-series run refits each series' network");
  }
  std::vector<PanelSeries> series = load_panel(options.data_path, config, symbols_of(config.panel));
  // Refitting trains a fresh network per series at the folds, as a single-series backtest does.
  std::vector<EnsembleForecaster> models;
  if (options.config.fit) {
    for (const PanelSeries& s : series) {
      models.push_back(refitted_model(s.data.frame, config, options.progress));
    }
  } else {
    models = load_panel_models(options.run_dir, config, series);
  }
  PanelRun run;
  run.mode = config.panel.mode;
  run.warnings = panel_warnings(series);
  for (size_t k = 0; k < series.size(); ++k) {
    SeriesResult r{series[k].symbol, series[k].data.series, {}, {}};
    r.test = backtest_series(models[k], series[k].data, options, config, r.series);
    run.series.push_back(std::move(r));
  }
  run.model = models.front().name();
  // "backtest (12 folds)", or "backtest (11-18 folds per series)" for series of other lengths.
  size_t fewest = SIZE_MAX, most = 0;
  for (const SeriesResult& r : run.series) {
    fewest = std::min(fewest, r.test.model.folds.size());
    most = std::max(most, r.test.model.folds.size());
  }
  const std::string split =
      "backtest (" +
      (fewest == most ? std::to_string(most) + " folds"
                      : std::to_string(fewest) + "-" + std::to_string(most) + " folds per series") +
      ")";
  run.summaries = {summarize_panel(run.series, &SeriesResult::test, split)};
  run.verdict = panel_verdict(run.summaries.back());
  return run;
}

json panel_json(const PanelRun& run) {
  json series = json::object();
  for (const SeriesResult& r : run.series) {
    std::vector<ReportRow> rows = r.validation.model.folds.empty()
                                      ? std::vector<ReportRow>()
                                      : r.validation.rows("validation");
    for (ReportRow& row : r.test.rows(run.summaries.back().split)) rows.push_back(std::move(row));
    series[r.symbol] = {{"data", series_json(r.series)}, {"metrics", metrics_json(rows)}};
  }
  json aggregate = json::object();
  for (const PanelSummary& s : run.summaries) aggregate[s.split] = panel_summary_json(s);
  return {{"mode", panel_mode_name(run.mode)},
          {"model", run.model},
          {"verdict", run.verdict},
          {"series", series},
          {"aggregate", aggregate}};
}

std::string format_panel_run(const PanelRun& run) {
  std::string out;
  for (const PanelSummary& s : run.summaries) out += format_panel(s);
  return out + "\n" + run.verdict + "\n";
}

}  // namespace recur::forecast
