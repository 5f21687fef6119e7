// NeuralForecaster: a ForecastNet behind the Forecaster interface, so the network is scored by
// exactly the same code, on exactly the same origins, as every baseline. It holds the (unscaled)
// feature frame of the data; a forecast from an origin reads the W frame rows before it (features
// are causal, so nothing after the origin is seen) and turns the network's scaled output back
// into prices with the scalers fitted on the training rows.
//
// Its inputs (volume, range, ...) are more than the price history a Forecaster is given, so it is
// bound to one frame: forecast_from() takes the origin row explicitly, and forecast(history) reads
// the history as rows [0, history.size()) of that frame's prices, refusing a history whose values
// (the last window + 1, the ones its features came from) are not those rows.
//
//   NeuralForecaster model(frame, config);
//   model.fit_rows(splits.train, splits.val);                // trains (early stopping on val)
//   auto next5 = model.forecast_from(frame.rows(), 5, 0.9);  // prices after the last row
#pragma once

#include <map>
#include <memory>
#include <string>

#include "recur/apps/forecast/forecast_net.h"
#include "recur/apps/forecast/forecaster.h"
#include "recur/data/splits.h"
#include "recur/data/windows.h"
#include "recur/train/trainer.h"

namespace recur::forecast {

struct FitOptions {
  std::string checkpoint_path;  // "" = no checkpoint
  bool resume = false;
  std::string metrics_csv;
  train::ProgressStyle progress = train::ProgressStyle::Auto;
  std::ostream* progress_stream = &std::cerr;
  // The data and settings a checkpoint belongs to (train::TrainerOptions::run_identity).
  std::map<std::string, std::string> run_identity;
};

// Trains `net` on the windows `train` as config.training says (Adam, clipping, early stopping on
// `validation` when there is one, checkpoints and logs as `options` ask), then puts it in eval
// mode. `generator` draws the shuffling's and dropout's randomness.
train::History train_forecast_net(ForecastNet& net, Generator& generator,
                                  const ForecastConfig& config, const FitOptions& options,
                                  const data::WindowSet& train, const data::WindowSet* validation);

class NeuralForecaster : public Forecaster {
 public:
  // `frame` holds the rows every later origin refers to (row i = history value i).
  NeuralForecaster(data::FeatureFrame frame, ForecastConfig config, FitOptions options = {});
  // A trained network shared with other series (global_model.h): `config` carries the scalers of
  // this frame. Such a forecaster forecasts; fit() would train a network of its own.
  NeuralForecaster(data::FeatureFrame frame, ForecastConfig config,
                   std::shared_ptr<ForecastNet> trained);

  std::string name() const override { return config_.model.cell; }
  // Trains on rows [first_valid, train.size()), the last val_fraction / (1 - test_fraction) of
  // them held out for early stopping (the backtest's refits use this).
  void fit(std::span<const double> train) override;
  std::vector<double> forecast(std::span<const double> history, int horizon) override;
  std::optional<Interval> interval(std::span<const double> history, int horizon,
                                   double level) override;
  size_t min_history() const override { return frame_.first_valid + config_.window; }

  // Fits the scalers on `train` rows only, then trains a fresh network (seeded by the config).
  void fit_rows(data::RowRange train, data::RowRange validation);
  // Loads trained weights (model.safetensors); the config's scalers must be set (predict /
  // evaluate).
  void load_weights(const std::string& path);

  const ForecastConfig& config() const { return config_; }
  const train::History& history() const { return history_; }
  const std::shared_ptr<ForecastNet>& net() const { return net_; }
  bool has_interval() const { return config_.model.head != HeadKind::kPoint; }
  // The nominal coverage of the head's interval (quantile head: outermost quantiles' spread).
  double interval_level(double requested) const;

  // The forecast (prices) for the `horizon` rows from row `origin` on, made from the rows before
  // it, with bounds when the head has them; the price of row origin - 1 is the anchor the
  // forecast changes are added to. origin = rows() forecasts past the end of the data.
  struct PriceForecast {
    std::vector<double> mean, lower, upper;
  };
  PriceForecast forecast_from(size_t origin, int horizon, double level);

 private:
  Tensor window_at(size_t origin) const;  // scaled rows [origin - W, origin) as [1, W, F]
  void make_net();                        // a fresh network, initialised from the config's seed
  void check_scalers_fit() const;         // the config's scalers are those of this frame's inputs
  // The origin a Forecaster history stands for, once it is checked to be this frame's prices.
  size_t origin_of(const std::string& who, std::span<const double> history) const;

  data::FeatureFrame frame_;   // unscaled
  data::FeatureFrame scaled_;  // scaled with config_.scalers
  ForecastConfig config_;
  FitOptions options_;
  // Initialises the network and draws its dropout masks; the network keeps its address, so it
  // lives on the heap and survives moves of the forecaster.
  std::unique_ptr<Generator> generator_;
  std::shared_ptr<ForecastNet> net_;
  train::History history_;
};

}  // namespace recur::forecast
