#include "recur/apps/forecast/pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/apps/forecast/ensemble.h"
#include "recur/apps/forecast/metrics.h"
#include "recur/apps/forecast/neural_forecaster.h"
#include "recur/apps/forecast/plot.h"
#include "recur/data/outliers.h"
#include "recur/data/splits.h"
#include "recur/data/windows.h"
#include "recur/io/atomic_file.h"
#include "recur/io/csv.h"
#include "recur/io/run_folder.h"
#include "recur/nn/module.h"
#include "recur/train/run_identity.h"

namespace recur::forecast {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string in_dir(const std::string& dir, const std::string& file) {
  return (fs::path(dir) / file).string();
}

// Member k's training log; member 0's is training.csv, as a single model's.
std::string member_log_file(int64_t k) { return "members/training_" + std::to_string(k) + ".csv"; }

// The data a command works on, what the loader had to say about it, and its frequency.
struct LoadedData {
  data::FeatureFrame frame;
  std::vector<std::string> warnings;
  SeriesInfo series;
};

// "month", "weekday", "half-hour": one period of the frequency, for messages.
std::string period_word(data::Frequency f) {
  switch (f) {
    case data::Frequency::yearly:
      return "year";
    case data::Frequency::quarterly:
      return "quarter";
    case data::Frequency::monthly:
      return "month";
    case data::Frequency::weekly:
      return "week";
    case data::Frequency::daily:
      return "day";
    case data::Frequency::business_daily:
      return "weekday";
    case data::Frequency::hourly:
      return "hour";
    case data::Frequency::half_hourly:
      return "half-hour";
  }
  return "period";
}

// The frequency inferred from the dates, or the one the config gives. A given frequency wins;
// its gaps are those inferred when the dates agree with it, and unchecked (with a warning) when
// they do not.
data::FrequencyInfo frequency_of(const data::PriceTable& t, const ForecastConfig& config,
                                 std::vector<std::string>& warnings, bool& gaps_checked) {
  std::optional<data::FrequencyInfo> inferred;
  std::string why;
  try {
    inferred = data::infer_frequency(t.times, {.source = t.source, .lines = t.lines});
  } catch (const ValueError& e) {
    why = e.what();
  }
  if (!config.frequency) {
    if (!inferred) throw ValueError(why + " (--frequency names it when the dates cannot)");
    return *inferred;
  }
  const data::Frequency f = *config.frequency;
  data::FrequencyInfo given{f, std::string(data::frequency_name(f)), data::seasonal_period(f), {}};
  if (inferred && inferred->frequency == f) {
    given.gaps = inferred->gaps;
    return given;
  }
  warnings.push_back(t.source + ": " +
                     (inferred ? "the dates look " + inferred->name
                               : "no frequency fits the dates (" + why + ")") +
                     "; using the given frequency " + given.name + ", without checking for gaps");
  gaps_checked = false;
  return given;
}

// One warning for all the gaps (report.md lists each).
std::string gap_warning(const std::string& source, const data::FrequencyInfo& f) {
  const data::Gap& first = f.gaps.front();
  return source + ": " + std::to_string(f.gaps.size()) + " gap(s) in the " + f.name + " dates, " +
         std::to_string(f.missing_periods()) + " " + period_word(f.frequency) +
         "(s) missing in all (the first between " + first.after + " and " + first.before +
         "): the model's windows run across a gap as if the rows on either side were "
         "consecutive; nothing is filled in";
}

// The day of the week says nothing about a row that stands for a week, a month or a year.
void check_inputs_fit(const data::FeatureSpec& spec, const data::FrequencyInfo& f,
                      const std::string& source) {
  using F = data::Frequency;
  if (f.frequency != F::weekly && f.frequency != F::monthly && f.frequency != F::quarterly &&
      f.frequency != F::yearly) {
    return;
  }
  for (const std::string& input : spec.inputs) {
    const std::string key = io::column_key(input);
    if (key == "dowonehot" || key == "dowsincos") {
      throw ValueError(source + ": input '" + input +
                       "' is the day of the week, which means nothing for " + f.name +
                       " data (each row stands for a whole " + period_word(f.frequency) +
                       "): leave it out of --features");
    }
  }
}

LoadedData load_data(const std::string& path, const ForecastConfig& config) {
  data::PriceTable table = data::load_price_table(
      path,
      {.date_column = config.date_column, .symbol = config.symbol, .missing = config.missing});
  LoadedData d;
  d.series.frequency = frequency_of(table, config, table.warnings, d.series.gaps_checked);
  d.series.frequency_given = config.frequency.has_value();
  d.series.rows = table.rows();
  d.series.first = table.times.front().str();
  d.series.last = table.times.back().str();
  if (!d.series.frequency.gaps.empty()) {
    table.warnings.push_back(gap_warning(table.source, d.series.frequency));
  }
  check_inputs_fit(config.features, d.series.frequency, path);
  d.frame = data::build_features(table, config.features);
  d.warnings = std::move(table.warnings);
  return d;
}

// The baselines' options with the seasonal period of the data's frequency where none was given.
// A period of 1 (yearly data) would make seasonal naive a copy of naive: it is left out.
BaselineOptions resolve_baselines(const BaselineOptions& options, SeriesInfo& series) {
  const int period = series.frequency.seasonal_period;
  BaselineOptions resolved = options.for_frequency(period > 1 ? period : 0);
  series.season_used = resolved.season_period;
  return resolved;
}

data::Splits splits_of(const data::FeatureFrame& frame, const ForecastConfig& config) {
  const TrainingConfig& t = config.training;
  return data::split_by_fraction(
      frame.first_valid, frame.rows(),
      {.train = 1.0 - t.val_fraction - t.test_fraction, .val = t.val_fraction, .gap = t.gap});
}

// The baselines of a run, naive apart: every verdict is about it.
struct Baselines {
  NaiveForecaster naive;
  std::vector<std::unique_ptr<Forecaster>> others;
};

// The baselines learn from the training prices only, as the network does. Fitted before the
// network trains: a baseline that cannot fit (a training split shorter than its window, a constant
// series) then fails the run before any time is spent or any file is written.
Baselines fit_baselines(const BaselineOptions& options, const data::FeatureFrame& frame,
                        const data::Splits& splits) {
  Baselines baselines{NaiveForecaster(), make_other_baselines(options)};
  const std::span<const double> train(frame.price.data(), splits.train.end);
  baselines.naive.fit(train);
  for (auto& b : baselines.others) b->fit(train);
  return baselines;
}

// The model and every baseline on the same origins of one split; an ensemble's members too, each
// alone, for their spread.
MethodResults score_split(EnsembleForecaster& model, Baselines& baselines,
                          const data::FeatureFrame& frame, const data::Splits& splits,
                          data::RowRange split, int horizon, double level) {
  const std::vector<double>& prices = frame.price;
  const std::span<const double> train(prices.data() + splits.train.begin, splits.train.size());
  const double scale = mase_scale(train);
  auto score = [&](Forecaster& f) {
    return evaluate_split(f, prices, split.begin, split.end, horizon, scale, level);
  };
  MethodResults results{score(model), score(baselines.naive), {}};
  for (const auto& b : baselines.others) results.baselines.push_back(score(*b));
  if (model.size() > 1) {
    for (NeuralForecaster& m : model.members()) results.members.push_back(score(m));
  }
  return results;
}

// Validation and test must each hold a forecast, or the run would have nothing to report.
void check_splits(const data::Splits& splits, const ForecastConfig& config,
                  const std::string& data_path) {
  for (const auto& [name, split] : {std::pair{"validation", splits.val}, {"test", splits.test}}) {
    if (split.size() < config.horizon) {
      throw ValueError(data_path + ": the " + name + " split has " + std::to_string(split.size()) +
                       " rows, fewer than the horizon (" + std::to_string(config.horizon) +
                       "): use more data, a smaller --gap (" + std::to_string(config.training.gap) +
                       ") or larger --val-fraction/--test-fraction");
    }
  }
}

// Loader notes and the training rows' extreme moves (data/outliers.h states the rule).
std::vector<std::string> data_warnings(const LoadedData& data, const data::Splits& splits) {
  std::vector<std::string> warnings = data.warnings;
  const data::FeatureFrame& frame = data.frame;
  for (const data::ExtremeMove& m : data::find_extreme_moves(frame.price, splits.train)) {
    char line[256];
    std::snprintf(line, sizeof(line),
                  "%s: %s: the price moves from %.6g to %.6g in one row, %.0f robust standard "
                  "deviations from the typical move (the limit is %.0f): check the data",
                  frame.source.c_str(), frame.times[m.row].str().c_str(), m.from, m.to, m.robust_z,
                  data::kExtremeMoveLimit);
    warnings.push_back(line);
  }
  return warnings;
}

// Another file, a changed value or an added row all give another fingerprint.
std::string fingerprint(const data::FeatureFrame& frame) {
  train::Fingerprint f;
  for (const data::Date& d : frame.dates) {
    const int32_t days = d.days_since_1970();
    f.add(&days, sizeof(days));
  }
  // Times of day only where there are any, so that daily data keeps its fingerprint.
  if (std::any_of(frame.times.begin(), frame.times.end(),
                  [](const data::Timestamp& t) { return t.second_of_day != 0; })) {
    for (const data::Timestamp& t : frame.times) f.add(&t.second_of_day, sizeof(t.second_of_day));
  }
  f.add(frame.price.data(), frame.price.size() * sizeof(double));
  for (const auto& column : frame.inputs) f.add(column.data(), column.size() * sizeof(double));
  const std::string span =
      frame.rows() ? frame.times.front().str() + ".." + frame.times.back().str() : "";
  return std::to_string(frame.rows()) + " rows " + span + ", hash " + f.hex();
}

// What a checkpoint must match to be resumed: the data, and every setting but the epoch budget
// (raising it to train longer is what resuming is for).
std::map<std::string, std::string> run_identity(const data::FeatureFrame& frame,
                                                const ForecastConfig& config) {
  json settings = to_json(config);
  settings.erase("recur_version");
  settings.erase("scalers");  // fitted from the data, which the fingerprint covers
  settings["training"].erase("epochs");
  return train::make_run_identity(fingerprint(frame), settings);
}

json metrics_to_json(const Metrics& m) {
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json j = {{"count", m.count},
            {"mae", number(m.mae)},
            {"rmse", number(m.rmse)},
            {"mape", number(m.mape)},
            {"smape", number(m.smape)},
            {"mase", number(m.mase)},
            {"directional_accuracy", number(m.directional_accuracy)}};
  if (m.interval) {
    j["interval"] = {{"level", m.interval->level},
                     {"coverage", m.interval->coverage},
                     {"mean_width", m.interval->mean_width}};
  }
  return j;
}

std::string fmt(double v, int precision = 4) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", precision, v);
  return buf;
}

std::vector<data::Timestamp> times_of(const data::FeatureFrame& frame,
                                      const std::vector<size_t>& rows) {
  std::vector<data::Timestamp> out;
  for (size_t r : rows) out.push_back(frame.times[r]);
  return out;
}

// predictions.csv: one line per test origin and step, the model next to the naive forecast.
void write_predictions(const std::string& path, const data::FeatureFrame& frame,
                       const MethodResults& test, int horizon) {
  std::ostringstream csv;
  csv.precision(10);
  csv << "date,step,actual," << test.model.model << ",lower,upper," << test.naive.model << "\n";
  for (int h = 1; h <= horizon; ++h) {
    const StepPath model = step_path(test.model, h);
    const StepPath naive = step_path(test.naive, h);
    for (size_t i = 0; i < model.targets.size(); ++i) {
      csv << frame.times[model.targets[i]].str() << ',' << h << ',' << model.records.actual[i]
          << ',' << model.records.predicted[i] << ',';
      if (!model.records.lower.empty()) {
        csv << model.records.lower[i] << ',' << model.records.upper[i];
      } else {
        csv << ',';
      }
      csv << ',' << naive.records.predicted[i] << '\n';
    }
  }
  io::write_file_atomically(path, csv.str());
}

// The plots of the test split, each with the caption the report gives it.
std::vector<PlotLink> write_plots(const std::string& dir, const data::FeatureFrame& frame,
                                  const MethodResults& test, const train::History& history,
                                  const std::string& target_column, const SeriesInfo& series) {
  std::vector<PlotLink> plots;
  const StepPath model = step_path(test.model, 1);
  const StepPath naive = step_path(test.naive, 1);
  ForecastPlot fp;
  using F = data::Frequency;
  const F f = series.frequency.frequency;
  fp.title = f == F::daily || f == F::business_daily
                 ? "One-day-ahead forecast on the test period"
                 : "One-" + period_word(f) + "-ahead forecast on the test period";
  fp.y_label = target_column;
  fp.dates = times_of(frame, model.targets);
  fp.actual = model.records.actual;
  fp.forecast = model.records.predicted;
  fp.forecast_label = test.model.model;
  fp.naive = naive.records.predicted;
  fp.lower = model.records.lower;
  fp.upper = model.records.upper;
  fp.level = model.records.level;
  plot_forecast(in_dir(dir, "forecast.png"), fp);
  plots.push_back({"Forecast vs actual (test period)", "forecast.png"});

  if (!history.epochs.empty()) {
    LossPlot lp;
    for (const train::EpochRecord& r : history.epochs) {
      lp.train.push_back(r.train_loss);
      lp.validation.push_back(r.val_loss);
    }
    plot_loss_curves(in_dir(dir, "loss.png"), lp);
    plots.push_back({"Training and validation loss", "loss.png"});
  }

  ErrorPlot ep;
  ep.dates = fp.dates;
  for (const BacktestResult* r : {&test.model, &test.naive}) {
    const StepPath p = step_path(*r, 1);
    ErrorSeries s{r->model, {}};
    for (size_t i = 0; i < p.records.actual.size(); ++i) {
      s.errors.push_back(p.records.actual[i] - p.records.predicted[i]);
    }
    ep.series.push_back(std::move(s));
  }
  plot_errors(in_dir(dir, "errors.png"), ep);
  plots.push_back({"Forecast errors over time", "errors.png"});
  return plots;
}

// What the network predicts, and why that is (or is not) the default: a reader of one report
// should not need the docs to know that the tutorial's price-level target lost badly.
std::string target_note(const ForecastConfig& c) {
  const std::string column = c.features.target_column;
  const std::string defaults =
      " (docs/FORECAST.md, \"Defaults\": measured on the validation splits of recur's shipped "
      "price series)";
  switch (c.features.target) {
    case data::TargetKind::kPrice:
      return "The network predicts the level of " + column +
             " (`--target-kind price`, the tutorial's setup). On recur's shipped price series "
             "this did far worse than the naive forecast, 1.9 to 2.7 times its validation MASE, "
             "where predicting the change did as well as naive or slightly better; the "
             "default is `--target-kind difference`" +
             defaults + ".";
    case data::TargetKind::kDifference:
      return "The network predicts the next change of " + column +
             " (`--target-kind difference`, recur's default), added to the last value: of the "
             "targets and inputs tried it did best on validation, and the tutorial's price-level "
             "target (`--target-kind price`) did far worse than naive" +
             defaults + ".";
    case data::TargetKind::kLogReturn:
      return "The network predicts the next log return of " + column +
             " (`--target-kind log_return`), turned back into a value from the last one; on "
             "validation it did about as well as the default `--target-kind difference`" +
             defaults + ".";
  }
  return "";
}

// The series' frequency and every gap, for the report (the warning only names the first).
std::string series_note(const SeriesInfo& s) {
  const data::FrequencyInfo& f = s.frequency;
  std::string note = "The series has " + std::to_string(s.rows) + " " + f.name + " rows, " +
                     s.first + " to " + s.last + " (frequency " +
                     (s.frequency_given ? "given with --frequency" : "inferred from the dates") +
                     "; seasonal period " + std::to_string(f.seasonal_period) + ").";
  if (f.gaps.empty()) {
    return note + (s.gaps_checked ? " It has no gaps." : " Its gaps were not checked.");
  }
  note += " It has " + std::to_string(f.gaps.size()) + " gap(s), " +
          std::to_string(f.missing_periods()) + " " + period_word(f.frequency) +
          "(s) missing in all; the windows run across them as if the rows on either side were "
          "consecutive (nothing is filled in):";
  constexpr size_t kListed = 20;
  for (size_t i = 0; i < f.gaps.size() && i < kListed; ++i) {
    const data::Gap& g = f.gaps[i];
    note += (i ? "; " : " ") + g.after + " to " + g.before + " (" + std::to_string(g.missing) +
            " missing)";
  }
  if (f.gaps.size() > kListed) note += "; ... (metrics.json lists them all)";
  return note + ".";
}

ReportInput report_input(const RunResult& result, const ForecastConfig& c,
                         const std::string& data_path) {
  ReportInput in;
  in.notes.push_back(target_note(c));
  in.notes.push_back(series_note(result.series));
  in.title = "Forecast report: " + fs::path(data_path).filename().string();
  in.model = result.test.model.model;
  in.baseline = result.test.naive.model;
  in.rows = result.rows();
  in.member_spreads = result.member_spreads();
  in.config = {
      {"data", data_path},
      {"target", c.features.target_column + " (" + data::target_kind_name(c.features.target) + ")"},
      {"frequency",
       result.series.frequency.name +
           (result.series.frequency_given ? " (given)" : " (inferred from the dates)") +
           ", seasonal naive " +
           (result.series.season_used > 0 ? "m = " + std::to_string(result.series.season_used)
                                          : std::string("left out"))},
      {"window", std::to_string(c.window)},
      {"horizon", std::to_string(c.horizon)},
      {"model", c.model.cell + " " + std::to_string(c.model.num_layers) + "x" +
                    std::to_string(c.model.hidden_size) +
                    (c.model.bidirectional ? " bidirectional" : "") + ", head " +
                    head_name(c.model.head)},
      {"training",
       "Adam lr " + fmt(c.training.lr, 5) + ", batch " + std::to_string(c.training.batch_size) +
           ", up to " + std::to_string(c.training.epochs) + " epochs, patience " +
           std::to_string(c.training.patience) + ", seed " + std::to_string(c.training.seed) +
           (result.members > 1 ? " (members: seeds " + std::to_string(c.training.seed) + " to " +
                                     std::to_string(c.training.seed + result.members - 1) + ")"
                               : std::string())}};
  return in;
}

// The verdict against naive, as a sentence and as numbers.
void judge(RunResult& result, const ReportInput& report) {
  result.verdict = verdict_sentence(report);
  result.beats_naive = compare_to_baseline(report);
}

void finish(const std::string& dir, RunResult& result, const EnsembleForecaster& ensemble,
            const data::FeatureFrame& frame, const std::string& data_path,
            std::vector<std::string> files) {
  const NeuralForecaster& model = ensemble.front();
  const ForecastConfig& c = model.config();
  json metrics = metrics_json(result.rows());
  metrics["data"] = series_json(result.series);
  if (result.members > 1) metrics["ensemble"] = ensemble_json(result);
  io::write_file_atomically(in_dir(dir, "metrics.json"), metrics.dump(2) + "\n");
  files.push_back("metrics.json");
  ReportInput report = report_input(result, c, data_path);
  report.warnings = result.warnings;
  write_predictions(in_dir(dir, "predictions.csv"), frame, result.test,
                    static_cast<int>(c.horizon));
  files.push_back("predictions.csv");
  report.plots = write_plots(dir, frame, result.test, model.history(), c.features.target_column,
                             result.series);
  for (const PlotLink& plot : report.plots) files.push_back(plot.path);
  judge(result, report);
  write_report(in_dir(dir, "report.md"), report);
  files.push_back("report.md");
  result.files = std::move(files);
  result.epochs_run = static_cast<int64_t>(model.history().epochs.size());
  result.best_epoch = model.history().best_epoch;
  result.stop_reason = model.history().stop_reason;
}

// The first day of the month `months` after the month of `d` (months >= 0).
data::Date month_start(data::Date d, int months) {
  const std::string ymd = d.str();  // YYYY-MM-DD
  const int index = std::stoi(ymd.substr(0, 4)) * 12 + std::stoi(ymd.substr(5, 2)) - 1 + months;
  return data::Date::from_ymd(index / 12, index % 12 + 1, 1);
}

// The same day `months` later; a month-end stays a month-end, a 31st clamps to a shorter month.
data::Date add_months(data::Date d, int months) {
  const bool month_end = month_start(d, 1) == d + 1;
  const data::Date next_start = month_start(d, months + 1);
  if (month_end) return next_start + -1;
  const int day = std::stoi(d.str().substr(8, 2));
  const data::Date start = month_start(d, months);
  return std::min(start + (day - 1), next_start + -1);
}

// The time one period of `f` after `t`: trading days skip weekends (holidays are not known).
data::Timestamp next_time(data::Timestamp t, data::Frequency f) {
  auto plus_seconds = [&](int32_t seconds) {
    const int32_t s = t.second_of_day + seconds;
    return data::Timestamp{t.date + s / 86400, s % 86400};
  };
  switch (f) {
    case data::Frequency::yearly:
      return {add_months(t.date, 12), t.second_of_day};
    case data::Frequency::quarterly:
      return {add_months(t.date, 3), t.second_of_day};
    case data::Frequency::monthly:
      return {add_months(t.date, 1), t.second_of_day};
    case data::Frequency::weekly:
      return {t.date + 7, t.second_of_day};
    case data::Frequency::daily:
      return {t.date + 1, t.second_of_day};
    case data::Frequency::business_daily: {
      data::Date day = t.date;
      do day = day + 1;
      while (day.weekday() >= 5);
      return {day, t.second_of_day};
    }
    case data::Frequency::hourly:
      return plus_seconds(3600);
    case data::Frequency::half_hourly:
      return plus_seconds(1800);
  }
  return t;
}

EnsembleForecaster load_trained(const std::string& run_dir, const data::FeatureFrame& frame,
                                const ForecastConfig& config) {
  if (config.scalers.inputs.size() == 0) {
    throw ValueError(in_dir(run_dir, "config.json") +
                     ": no 'scalers' section (a trained "
                     "model's config carries the scaler statistics of its training data)");
  }
  EnsembleForecaster model(frame, config);
  model.load_weights(run_dir);
  return model;
}

// A forecast that came out NaN or Inf (weights and scalers that are finite but extreme) is an
// error, never a printed "nan".
void check_forecast(const std::string& run_dir, const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isfinite(v)) {
      throw ValueError(run_dir + ": the model's forecast is not finite (" + std::to_string(v) +
                       "): the weights or the scalers in config.json are out of range");
    }
  }
}

// Puts the checkpoint of a finished run where a resumed one looks for it, when the interrupted
// run's own staging folder is gone.
void carry_checkpoint(const std::string& out_dir, const io::StagedRunFolder& run) {
  const fs::path staged = run.file("checkpoint.safetensors");
  const fs::path finished = in_dir(out_dir, "checkpoint.safetensors");
  std::error_code ec;
  if (!fs::exists(staged, ec) && fs::exists(finished, ec)) fs::copy_file(finished, staged, ec);
}

}  // namespace

RunResult train_run(const RunOptions& options) {
  const ForecastConfig& config = options.config;
  config.validate();
  check_level("forecast train", options.interval_level);
  // Everything that can fail without training is checked before the run folder is touched.
  const LoadedData data = load_data(options.data_path, config);
  const data::FeatureFrame& frame = data.frame;
  const data::Splits splits = splits_of(frame, config);
  check_splits(splits, config, options.data_path);
  RunResult result;
  result.series = data.series;
  Baselines baselines =
      fit_baselines(resolve_baselines(options.baselines, result.series), frame, splits);
  result.warnings = data_warnings(data, splits);

  const int64_t members = config.training.ensemble;
  if (options.resume && members > 1) {
    throw ValueError("forecast train: --resume with --ensemble " + std::to_string(members) +
                     " is not supported yet (only a single model's training can be resumed)");
  }
  io::StagedRunFolder run(options.out_dir, {.resume = options.resume});
  if (options.resume) carry_checkpoint(options.out_dir, run);
  std::vector<std::string> files = {"model.safetensors", "config.json", "training.csv",
                                    "checkpoint.safetensors"};
  if (members > 1) fs::create_directories(run.staging() / "members");
  // Member 0 is the single model of the same seed (checkpoint, training.csv, progress); the
  // others train beside it quietly, each with its own training log.
  EnsembleForecaster model(frame, config, [&](int64_t k) -> FitOptions {
    if (k == 0) {
      return {.checkpoint_path = run.file("checkpoint.safetensors"),
              .resume = options.resume,
              .metrics_csv = run.file("training.csv"),
              .progress = options.progress,
              .run_identity = run_identity(frame, config)};
    }
    return {.metrics_csv = run.file(member_log_file(k)), .progress = train::ProgressStyle::Quiet};
  });
  model.fit_rows(splits.train, splits.val);
  for (int64_t k = 0; k < members; ++k) {
    nn::save(*model.members()[static_cast<size_t>(k)].net(), run.file(member_weights_file(k)));
    if (k > 0) {
      files.push_back(member_weights_file(k));
      files.push_back(member_log_file(k));
    }
  }
  save_config(run.file("config.json"), model.front().config());
  result.members = members;

  const int horizon = static_cast<int>(config.horizon);
  result.validation =
      score_split(model, baselines, frame, splits, splits.val, horizon, options.interval_level);
  result.test =
      score_split(model, baselines, frame, splits, splits.test, horizon, options.interval_level);
  finish(run.staging().string(), result, model, frame, options.data_path, std::move(files));
  run.commit();
  return result;
}

SeriesInfo inspect_series(const std::string& data_path, const ForecastConfig& config,
                          const BaselineOptions& baselines) {
  LoadedData data = load_data(data_path, config);
  resolve_baselines(baselines, data.series);
  return data.series;
}

RunResult evaluate_run(const std::string& run_dir, const std::string& data_path,
                       const BaselineOptions& baseline_options, double interval_level) {
  check_level("forecast evaluate", interval_level);
  const ForecastConfig config = load_config(in_dir(run_dir, "config.json"));
  const LoadedData data = load_data(data_path, config);
  const data::Splits splits = splits_of(data.frame, config);
  check_splits(splits, config, data_path);
  RunResult result;
  result.series = data.series;
  Baselines baselines =
      fit_baselines(resolve_baselines(baseline_options, result.series), data.frame, splits);
  EnsembleForecaster model = load_trained(run_dir, data.frame, config);
  result.members = config.training.ensemble;
  const int horizon = static_cast<int>(config.horizon);
  result.validation =
      score_split(model, baselines, data.frame, splits, splits.val, horizon, interval_level);
  result.test =
      score_split(model, baselines, data.frame, splits, splits.test, horizon, interval_level);
  judge(result, report_input(result, config, data_path));
  result.warnings = data.warnings;
  return result;
}

Prediction predict_run(const std::string& run_dir, const std::string& data_path,
                       double interval_level) {
  check_level("forecast predict", interval_level);
  const ForecastConfig config = load_config(in_dir(run_dir, "config.json"));
  const LoadedData data = load_data(data_path, config);
  const data::FeatureFrame& frame = data.frame;
  EnsembleForecaster model = load_trained(run_dir, frame, config);
  const int horizon = static_cast<int>(config.horizon);
  const NeuralForecaster::PriceForecast f =
      model.forecast_from(frame.rows(), horizon, interval_level);
  for (const auto* values : {&f.mean, &f.lower, &f.upper}) check_forecast(run_dir, *values);
  Prediction p;
  p.last_date = frame.times.back().str();
  p.last_price = frame.price.back();
  p.interval_level = f.lower.empty() ? 0.0 : model.front().interval_level(interval_level);
  p.warnings = data.warnings;
  data::Timestamp time = frame.times.back();
  for (int h = 1; h <= horizon; ++h) {
    time = next_time(time, data.series.frequency.frequency);
    PredictionRow row{h, time.str(), f.mean[static_cast<size_t>(h - 1)], {}, {}};
    if (!f.lower.empty()) {
      row.lower = f.lower[static_cast<size_t>(h - 1)];
      row.upper = f.upper[static_cast<size_t>(h - 1)];
    }
    p.rows.push_back(row);
  }
  return p;
}

BacktestRun backtest_run(const BacktestOptions& options) {
  const double fraction = options.initial_fraction;
  if (options.config.initial_train == 0 && !(fraction > 0.0 && fraction < 1.0)) {
    throw ValueError("forecast backtest: the initial fraction must be in (0, 1), got " +
                     std::to_string(fraction));
  }
  if (options.config.interval_level != 0.0) {
    check_level("forecast backtest", options.config.interval_level);
  }
  const ForecastConfig config = load_config(in_dir(options.run_dir, "config.json"));
  const LoadedData data = load_data(options.data_path, config);
  const data::FeatureFrame& frame = data.frame;
  BacktestConfig bc = options.config;
  bc.horizon = static_cast<int>(config.horizon);
  if (bc.initial_train == 0) {
    bc.initial_train = static_cast<size_t>(fraction * static_cast<double>(frame.rows()));
  }
  FitOptions fit_options;
  fit_options.progress = options.progress;
  // Refitting trains fresh networks at the folds; otherwise the run's trained one is scored.
  EnsembleForecaster model = bc.fit
                                 ? EnsembleForecaster(frame, config,
                                                      [&](int64_t k) {
                                                        FitOptions o = fit_options;
                                                        // One progress display at a time.
                                                        if (k > 0)
                                                          o.progress = train::ProgressStyle::Quiet;
                                                        return o;
                                                      })
                                 : load_trained(options.run_dir, frame, config);
  BacktestRun out;
  out.warnings = data.warnings;
  out.series = data.series;
  const BaselineOptions baseline_options = resolve_baselines(options.baselines, out.series);
  out.results.model = backtest(model, frame.price, bc);
  // The baselines are always fitted at the folds (they cannot leak: fit sees the window only).
  BacktestConfig baseline_config = bc;
  baseline_config.fit = true;
  NaiveForecaster naive;
  out.results.naive = backtest(naive, frame.price, baseline_config);
  for (auto& b : make_other_baselines(baseline_options)) {
    out.results.baselines.push_back(backtest(*b, frame.price, baseline_config));
  }
  return out;
}

namespace {

// `text` right-aligned in `width` columns; UTF-8 continuation bytes take no column.
std::string right_aligned(const std::string& text, size_t width) {
  const size_t columns = static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
  return std::string(width > columns ? width - columns : 0, ' ') + text;
}

// The squared-loss p-value against the model: blank on the model's row, "n/a" without a test.
std::string dm_cell(const std::optional<Significance>& s) {
  if (!s) return "";
  return s->squared ? p_value_number(s->squared->p_value) : "n/a";
}

}  // namespace

std::string format_table(const std::vector<ReportRow>& rows) {
  std::ostringstream out;
  std::string split;
  char line[256];
  for (const ReportRow& r : rows) {
    if (r.split != split) {
      split = r.split;
      out << "\n" << split << " (" << r.metrics.count << " forecasts)\n";
      std::snprintf(line, sizeof(line), "  %-22s %10s %10s %8s %8s %7s %7s %9s %9s\n", "method",
                    "MAE", "RMSE", "MAPE%", "sMAPE%", "MASE", "DirAcc", "Coverage", "DM p");
      out << line;
    }
    const std::string coverage =
        r.metrics.interval ? fmt(100 * r.metrics.interval->coverage, 1) + "%" : std::string("-");
    // A forecast that never moves calls no direction (docs/FORECAST_METRICS.md).
    const double direction = r.metrics.directional_accuracy;
    const std::string dir_acc = std::isnan(direction) ? "—" : fmt(direction, 3);
    std::snprintf(line, sizeof(line), "  %-22s %10s %10s %8s %8s %7s %s %9s %s\n", r.method.c_str(),
                  fmt(r.metrics.mae, 3).c_str(), fmt(r.metrics.rmse, 3).c_str(),
                  fmt(r.metrics.mape, 3).c_str(), fmt(r.metrics.smape, 3).c_str(),
                  fmt(r.metrics.mase, 3).c_str(), right_aligned(dir_acc, 7).c_str(),
                  coverage.c_str(), right_aligned(dm_cell(r.significance), 9).c_str());
    out << line;
  }
  return out.str();
}

json metrics_json(const std::vector<ReportRow>& rows) {
  json j = json::object();
  for (const ReportRow& r : rows) {
    json& entry = j[r.split][r.method] = metrics_to_json(r.metrics);
    if (r.significance) entry["diebold_mariano"] = significance_json(*r.significance);
  }
  return j;
}

json series_json(const SeriesInfo& info) {
  json gaps = json::array();
  for (const data::Gap& g : info.frequency.gaps) {
    gaps.push_back({{"after", g.after}, {"before", g.before}, {"missing", g.missing}});
  }
  return {{"frequency", info.frequency.name},
          {"frequency_source", info.frequency_given ? "given" : "inferred"},
          {"seasonal_period", info.frequency.seasonal_period},
          {"season_used", info.season_used},
          {"rows", info.rows},
          {"first", info.first},
          {"last", info.last},
          {"gaps_checked", info.gaps_checked},
          {"missing_periods", info.frequency.missing_periods()},
          {"gaps", gaps}};
}

std::vector<ReportRow> MethodResults::rows(const std::string& split) const {
  auto tested = [&](const BacktestResult& b) {
    return ReportRow{split, b.model, b.aggregate, diebold_mariano_against(model, b)};
  };
  std::vector<ReportRow> out{{split, model.model, model.aggregate}, tested(naive)};
  for (const BacktestResult& b : baselines) out.push_back(tested(b));
  return out;
}

std::vector<MemberSpread> RunResult::member_spreads() const {
  std::vector<MemberSpread> out;
  for (const auto& [split, results] : {std::pair{"validation", &validation}, {"test", &test}}) {
    if (results->members.empty()) continue;
    std::vector<Metrics> metrics;
    for (const BacktestResult& m : results->members) metrics.push_back(m.aggregate);
    out.push_back(member_spread(split, metrics));
  }
  return out;
}

json ensemble_json(const RunResult& result) {
  json spread = json::object();
  for (const MemberSpread& s : result.member_spreads()) {
    json& split = spread[s.split] = json::object();
    for (const auto& [metric, v] : s.metrics) {
      auto number = [](double x) { return std::isnan(x) ? json(nullptr) : json(x); };
      split[metric] = {
          {"min", number(v.min)}, {"median", number(v.median)}, {"max", number(v.max)}};
    }
  }
  return {{"members", result.members}, {"combination", kEnsembleCombination}, {"spread", spread}};
}

std::string format_member_spread(const RunResult& result) {
  std::ostringstream out;
  char line[256];
  for (const MemberSpread& s : result.member_spreads()) {
    out << "\n" << s.split << ": the " << s.members << " members alone (min / median / max)\n";
    for (const auto& [metric, v] : s.metrics) {
      std::snprintf(line, sizeof(line), "  %-22s %10s %10s %10s\n", metric.c_str(),
                    fmt(v.min, 4).c_str(), fmt(v.median, 4).c_str(), fmt(v.max, 4).c_str());
      out << line;
    }
  }
  return out.str();
}

std::vector<ReportRow> RunResult::rows() const {
  std::vector<ReportRow> out = validation.rows("validation");
  for (ReportRow& r : test.rows("test")) out.push_back(std::move(r));
  return out;
}

}  // namespace recur::forecast
