// The steps every forecasting command takes for one series, shared by the single-series pipeline
// (pipeline.cpp) and the many-series one (panel.cpp): load a series and learn its frequency and
// gaps, split it, fit and score the baselines beside the model, and the report's notes about it.
// Internal to the forecast app (not installed).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "recur/apps/forecast/ensemble.h"
#include "recur/apps/forecast/pipeline.h"
#include "recur/data/price_table.h"
#include "recur/data/splits.h"
#include "recur/io/run_folder.h"
#include "recur/train/trainer.h"

namespace recur::forecast {

std::string in_dir(const std::string& dir, const std::string& file);

// The data a command works on, what the loader had to say about it, and its frequency.
struct LoadedData {
  data::FeatureFrame frame;
  std::vector<std::string> warnings;
  SeriesInfo series;
};

// "month", "weekday", "half-hour": one period of the frequency, for messages.
std::string period_word(data::Frequency f);

// How the config reads its data file (date column, ticker, layout, missing values).
data::LoadOptions load_options(const ForecastConfig& config);
// A loaded table's frequency, gaps and features, checked against the config.
LoadedData load_series(data::PriceTable table, const ForecastConfig& config);
LoadedData load_data(const std::string& path, const ForecastConfig& config);

// The baselines' options with the seasonal period of the data's frequency where none was given
// (sets series.season_used).
BaselineOptions resolve_baselines(const BaselineOptions& options, SeriesInfo& series);

data::Splits splits_of(const data::FeatureFrame& frame, const ForecastConfig& config);
// Validation and test must each hold a forecast, or the run would have nothing to report.
void check_splits(const data::Splits& splits, const ForecastConfig& config,
                  const std::string& data_path);

// The baselines of a run, naive apart: every verdict is about it.
struct Baselines {
  NaiveForecaster naive;
  std::vector<std::unique_ptr<Forecaster>> others;
};
// The baselines learn from the training prices only, as the network does. Fitted before the
// network trains: a baseline that cannot fit (a training split shorter than its window, a constant
// series) then fails the run before any time is spent or any file is written.
Baselines fit_baselines(const BaselineOptions& options, const data::FeatureFrame& frame,
                        const data::Splits& splits);

// The model and every baseline on the same origins of one split; an ensemble's members too, each
// alone, for their spread.
MethodResults score_split(EnsembleForecaster& model, Baselines& baselines,
                          const data::FeatureFrame& frame, const data::Splits& splits,
                          data::RowRange split, int horizon, double level);

// Loader notes and the training rows' extreme moves (data/outliers.h states the rule).
std::vector<std::string> data_warnings(const LoadedData& data, const data::Splits& splits);

// Another file, a changed value or an added row all give another fingerprint.
std::string fingerprint(const data::FeatureFrame& frame);
// What a checkpoint must match to be resumed: the data (`data`: the fingerprint of its series,
// or of each series of a many-series run), and every setting but the epoch budget (raising it
// to train longer is what resuming is for) and the scalers fitted from the data.
std::map<std::string, std::string> run_identity(const std::string& data,
                                                const ForecastConfig& config);

// Puts the checkpoints `names` (paths in the run folder) of a finished run where a resumed one
// looks for them, each one the interrupted run's own staging folder does not hold.
void carry_checkpoints(const std::string& out_dir, const io::StagedRunFolder& run,
                       const std::vector<std::string>& names);

// v with `precision` decimals, "-" when it is not finite.
std::string fmt(double v, int precision = 4);
std::vector<data::Timestamp> times_of(const data::FeatureFrame& frame,
                                      const std::vector<size_t>& rows);

// What the network predicts, and why that is (or is not) the default: a reader of one report
// should not need the docs to know that the tutorial's price-level target lost badly.
std::string target_note(const ForecastConfig& c);
// The series' frequency and every gap, for the report (the warning only names the first).
std::string series_note(const SeriesInfo& s);

// loss.png in `dir`: the training and validation loss per epoch; nullopt (nothing written) when
// no epoch ran.
std::optional<PlotLink> write_loss_plot(const std::string& dir, const train::History& history,
                                        const std::string& title);

// The report's configuration rows about the model: window, horizon, network, training.
std::vector<std::pair<std::string, std::string>> model_rows(const ForecastConfig& c,
                                                            int64_t members);

// predictions.csv: "date,step,actual,<model>,lower,upper,<naive>", and one line per test origin
// and step of `test`, each after `prefix` (a many-series file's "SYMBOL,").
std::string prediction_header(const MethodResults& test);
void append_predictions(std::ostream& csv, const data::FeatureFrame& frame,
                        const MethodResults& test, int horizon, const std::string& prefix);

// The time one period of `f` after `t`: trading days skip weekends (holidays are not known).
data::Timestamp next_time(data::Timestamp t, data::Frequency f);

// The run's trained network(s) on `frame`, from run_dir (the config must carry scalers).
EnsembleForecaster load_trained(const std::string& run_dir, const data::FeatureFrame& frame,
                                const ForecastConfig& config);
// A forecast that came out NaN or Inf (weights and scalers that are finite but extreme) is an
// error, never a printed "nan".
void check_forecast(const std::string& run_dir, const std::vector<double>& values);

// The next `horizon` values after the last row of `data`, dated by its frequency, with the
// model's interval when it has one.
Prediction forecast_next(EnsembleForecaster& model, const LoadedData& data, int horizon,
                         double interval_level, const std::string& run_dir);

// The fresh network(s) a refitting backtest trains at its folds; member 0 shows the progress (one
// display at a time).
EnsembleForecaster refitted_model(const data::FeatureFrame& frame, const ForecastConfig& config,
                                  train::ProgressStyle progress);

// ValueError for an initial fraction outside (0, 1) or a bad interval level.
void check_backtest_options(const BacktestOptions& options);
// Walk-forward evaluation of `model` (fitted at the folds when options.config.fit) and of every
// baseline, always fitted at the folds, on one series; sets series.season_used.
MethodResults backtest_series(EnsembleForecaster& model, const LoadedData& data,
                              const BacktestOptions& options, const ForecastConfig& config,
                              SeriesInfo& series);

}  // namespace recur::forecast
