#include "series_steps.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "recur/apps/forecast/plot.h"
#include "recur/data/outliers.h"
#include "recur/io/csv.h"
#include "recur/train/run_identity.h"

namespace recur::forecast {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

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

}  // namespace

std::string in_dir(const std::string& dir, const std::string& file) {
  return (fs::path(dir) / file).string();
}

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

data::LoadOptions load_options(const ForecastConfig& config) {
  return {.date_column = config.date_column,
          .symbol = config.symbol,
          .missing = config.missing,
          .layout = config.layout,
          .value_column = config.features.target_column};
}

LoadedData load_series(data::PriceTable table, const ForecastConfig& config) {
  LoadedData d;
  d.series.frequency = frequency_of(table, config, table.warnings, d.series.gaps_checked);
  d.series.frequency_given = config.frequency.has_value();
  d.series.rows = table.rows();
  d.series.first = table.times.front().str();
  d.series.last = table.times.back().str();
  if (!d.series.frequency.gaps.empty()) {
    table.warnings.push_back(gap_warning(table.source, d.series.frequency));
  }
  check_inputs_fit(config.features, d.series.frequency, table.source);
  d.frame = data::build_features(table, config.features);
  d.warnings = std::move(table.warnings);
  return d;
}

LoadedData load_data(const std::string& path, const ForecastConfig& config) {
  return load_series(data::load_price_table(path, load_options(config)), config);
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

std::map<std::string, std::string> run_identity(const std::string& data,
                                                const ForecastConfig& config) {
  json settings = to_json(config);
  settings.erase("recur_version");
  settings.erase("scalers");  // fitted from the data, which the fingerprint covers
  if (settings.contains("panel")) settings["panel"].erase("series");  // each series' scalers
  settings["training"].erase("epochs");
  return train::make_run_identity(data, settings);
}

void carry_checkpoints(const std::string& out_dir, const io::StagedRunFolder& run,
                       const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    const fs::path staged = run.file(name);
    const fs::path finished = in_dir(out_dir, name);
    std::error_code ec;
    if (fs::exists(staged, ec) || !fs::exists(finished, ec)) continue;
    fs::create_directories(staged.parent_path(), ec);
    fs::copy_file(finished, staged, ec);
  }
}

std::string fmt(double v, int precision) {
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

std::vector<std::pair<std::string, std::string>> model_rows(const ForecastConfig& c,
                                                            int64_t members) {
  return {{"window", std::to_string(c.window)},
          {"horizon", std::to_string(c.horizon)},
          {"model", c.model.cell + " " + std::to_string(c.model.num_layers) + "x" +
                        std::to_string(c.model.hidden_size) +
                        (c.model.bidirectional ? " bidirectional" : "") + ", head " +
                        head_name(c.model.head)},
          {"training",
           "Adam lr " + fmt(c.training.lr, 5) + ", batch " + std::to_string(c.training.batch_size) +
               ", up to " + std::to_string(c.training.epochs) + " epochs, patience " +
               std::to_string(c.training.patience) + ", seed " + std::to_string(c.training.seed) +
               (members > 1 ? " (members: seeds " + std::to_string(c.training.seed) + " to " +
                                  std::to_string(c.training.seed + members - 1) + ")"
                            : std::string())}};
}

std::optional<PlotLink> write_loss_plot(const std::string& dir, const train::History& history,
                                        const std::string& title) {
  if (history.epochs.empty()) return std::nullopt;
  LossPlot plot;
  plot.title = title;
  for (const train::EpochRecord& r : history.epochs) {
    plot.train.push_back(r.train_loss);
    plot.validation.push_back(r.val_loss);
  }
  plot_loss_curves(in_dir(dir, "loss.png"), plot);
  return PlotLink{"Training and validation loss", "loss.png"};
}

std::string prediction_header(const MethodResults& test) {
  return "date,step,actual," + test.model.model + ",lower,upper," + test.naive.model;
}

void append_predictions(std::ostream& csv, const data::FeatureFrame& frame,
                        const MethodResults& test, int horizon, const std::string& prefix) {
  const std::streamsize precision = csv.precision(10);
  for (int h = 1; h <= horizon; ++h) {
    const StepPath model = step_path(test.model, h);
    const StepPath naive = step_path(test.naive, h);
    for (size_t i = 0; i < model.targets.size(); ++i) {
      csv << prefix << frame.times[model.targets[i]].str() << ',' << h << ','
          << model.records.actual[i] << ',' << model.records.predicted[i] << ',';
      if (!model.records.lower.empty()) {
        csv << model.records.lower[i] << ',' << model.records.upper[i];
      } else {
        csv << ',';
      }
      csv << ',' << naive.records.predicted[i] << '\n';
    }
  }
  csv.precision(precision);
}

Prediction forecast_next(EnsembleForecaster& model, const LoadedData& data, int horizon,
                         double interval_level, const std::string& run_dir) {
  const data::FeatureFrame& frame = data.frame;
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

EnsembleForecaster refitted_model(const data::FeatureFrame& frame, const ForecastConfig& config,
                                  train::ProgressStyle progress) {
  return EnsembleForecaster(frame, config, [progress](int64_t k) {
    return FitOptions{.progress = k > 0 ? train::ProgressStyle::Quiet : progress};
  });
}

void check_backtest_options(const BacktestOptions& options) {
  const double fraction = options.initial_fraction;
  if (options.config.initial_train == 0 && !(fraction > 0.0 && fraction < 1.0)) {
    throw ValueError("forecast backtest: the initial fraction must be in (0, 1), got " +
                     std::to_string(fraction));
  }
  if (options.config.interval_level != 0.0) {
    check_level("forecast backtest", options.config.interval_level);
  }
}

MethodResults backtest_series(EnsembleForecaster& model, const LoadedData& data,
                              const BacktestOptions& options, const ForecastConfig& config,
                              SeriesInfo& series) {
  const data::FeatureFrame& frame = data.frame;
  BacktestConfig bc = options.config;
  bc.horizon = static_cast<int>(config.horizon);
  if (bc.initial_train == 0) {
    bc.initial_train =
        static_cast<size_t>(options.initial_fraction * static_cast<double>(frame.rows()));
  }
  const BaselineOptions baseline_options = resolve_baselines(options.baselines, series);
  MethodResults out;
  out.model = backtest(model, frame.price, bc);
  // The baselines are always fitted at the folds (they cannot leak: fit sees the window only).
  BacktestConfig baseline_config = bc;
  baseline_config.fit = true;
  NaiveForecaster naive;
  out.naive = backtest(naive, frame.price, baseline_config);
  for (auto& b : make_other_baselines(baseline_options)) {
    out.baselines.push_back(backtest(*b, frame.price, baseline_config));
  }
  return out;
}

}  // namespace recur::forecast
