// EnsembleForecaster: K networks of one configuration, trained from seeds seed, seed + 1, ...,
// seed + K - 1, forecasting together. The point forecast is the members' mean; an interval is the
// members' bounds averaged (quantile averaging, "Vincentization": the average of the members'
// 5% bounds is the ensemble's 5% bound), which works alike for the Gaussian and the quantile
// head and keeps the nominal level. With K = 1 it is the single network, bit for bit.
//
// Members train in parallel: min(K, threads) workers, each with max(1, threads / workers)
// threads. A member's result depends only on its seed (recur's kernels split work by index, not
// by timing), so the ensemble does not depend on the thread count.
//
//   EnsembleForecaster ensemble(frame, config);        // K = config.training.ensemble
//   ensemble.fit_rows(splits.train, splits.val);
//   auto next = ensemble.forecast_from(frame.rows(), 1, 0.9);
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "recur/apps/forecast/metrics.h"
#include "recur/apps/forecast/neural_forecaster.h"
#include "recur/apps/forecast/report.h"

namespace recur::forecast {

// How the members' forecasts are combined, as metrics.json states it.
inline constexpr const char* kEnsembleCombination =
    "point: mean of the members; interval: mean of the members' bounds (quantile averaging)";

// The configuration of member k: the run's, seeded seed + k.
ForecastConfig member_config(const ForecastConfig& config, int64_t k);

// The weights of member k within a run folder: model.safetensors for member 0 (so that a
// one-member run is the single-model run), members/member_<k>.safetensors for the others.
std::string member_weights_file(int64_t k);
// Member k's training log: training.csv for member 0, members/training_<k>.csv for the others.
std::string member_log_file(int64_t k);
// Member k's checkpoint (what --resume continues): checkpoint.safetensors for member 0,
// members/checkpoint_<k>.safetensors for the others.
std::string member_checkpoint_file(int64_t k);

class EnsembleForecaster : public Forecaster {
 public:
  // K = config.training.ensemble members; `options(k)` gives member k its fit options
  // (checkpoint, metrics CSV, progress).
  EnsembleForecaster(const data::FeatureFrame& frame, const ForecastConfig& config,
                     const std::function<FitOptions(int64_t)>& options = {});
  // Forecasters built elsewhere (a series' view of a global network: global_model.h).
  explicit EnsembleForecaster(std::vector<NeuralForecaster> members);

  // "lstm" for one member, "lstm ensemble (5)" for five.
  std::string name() const override;
  void fit(std::span<const double> train) override;
  std::vector<double> forecast(std::span<const double> history, int horizon) override;
  std::optional<Interval> interval(std::span<const double> history, int horizon,
                                   double level) override;
  size_t min_history() const override { return members_.front().min_history(); }

  void fit_rows(data::RowRange train, data::RowRange validation);
  // Loads member k's weights from run_dir/member_weights_file(k), checking they are finite.
  void load_weights(const std::string& run_dir);
  // The same from path_of(k) (a many-series run keeps each series' members under series/).
  void load_weights(const std::function<std::string(int64_t)>& path_of);
  NeuralForecaster::PriceForecast forecast_from(size_t origin, int horizon, double level);

  size_t size() const { return members_.size(); }
  std::vector<NeuralForecaster>& members() { return members_; }
  const NeuralForecaster& front() const { return members_.front(); }

 private:
  // Calls fn(k) for every member on the worker threads described above.
  void for_each_member(const std::function<void(NeuralForecaster&)>& fn);

  std::vector<NeuralForecaster> members_;
};

// The members' spread on one split (report.h), metric by metric.
MemberSpread member_spread(const std::string& split, std::span<const Metrics> members);

}  // namespace recur::forecast
