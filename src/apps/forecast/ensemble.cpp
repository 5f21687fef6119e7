#include "recur/apps/forecast/ensemble.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <filesystem>
#include <thread>

#include "recur/kernels/parallel.h"
#include "recur/nn/module.h"

namespace recur::forecast {

namespace {

// The members' values averaged position by position. Summed from the first member's values, so
// that one member gives back its own values exactly.
std::vector<double> members_mean(const std::vector<std::vector<double>>& values) {
  std::vector<double> mean = values.front();
  for (size_t k = 1; k < values.size(); ++k) {
    for (size_t i = 0; i < mean.size(); ++i) mean[i] += values[k][i];
  }
  for (double& v : mean) v /= static_cast<double>(values.size());
  return mean;
}

Spread spread_of(std::vector<double> values) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  const double nan = std::nan("");
  if (values.empty()) return {nan, nan, nan};
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {values.front(), median, values.back()};
}

}  // namespace

ForecastConfig member_config(const ForecastConfig& config, int64_t k) {
  ForecastConfig c = config;
  c.training.seed += static_cast<uint64_t>(k);
  return c;
}

std::string member_weights_file(int64_t k) {
  return k == 0 ? "model.safetensors" : "members/member_" + std::to_string(k) + ".safetensors";
}

std::string member_log_file(int64_t k) {
  return k == 0 ? "training.csv" : "members/training_" + std::to_string(k) + ".csv";
}

std::string member_checkpoint_file(int64_t k) {
  return k == 0 ? "checkpoint.safetensors"
                : "members/checkpoint_" + std::to_string(k) + ".safetensors";
}

EnsembleForecaster::EnsembleForecaster(const data::FeatureFrame& frame,
                                       const ForecastConfig& config,
                                       const std::function<FitOptions(int64_t)>& options) {
  config.validate();
  for (int64_t k = 0; k < config.training.ensemble; ++k) {
    members_.emplace_back(frame, member_config(config, k), options ? options(k) : FitOptions{});
  }
}

EnsembleForecaster::EnsembleForecaster(std::vector<NeuralForecaster> members)
    : members_(std::move(members)) {
  if (members_.empty()) throw ValueError("ensemble forecaster: no members");
}

std::string EnsembleForecaster::name() const {
  const std::string cell = members_.front().name();
  if (members_.size() == 1) return cell;
  return cell + " ensemble (" + std::to_string(members_.size()) + ")";
}

void EnsembleForecaster::for_each_member(const std::function<void(NeuralForecaster&)>& fn) {
  if (members_.size() == 1) {  // the single model, on the caller's threads
    fn(members_.front());
    return;
  }
  const int threads = kernels::num_threads();
  const size_t workers = std::min(members_.size(), static_cast<size_t>(std::max(1, threads)));
  const int per_worker = std::max(1, threads / static_cast<int>(workers));
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(members_.size());
  std::vector<std::thread> pool;
  for (size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      kernels::set_num_threads(per_worker);  // this thread's OpenMP team size only
      for (size_t k = next++; k < members_.size(); k = next++) {
        try {
          fn(members_[k]);
        } catch (...) {
          errors[k] = std::current_exception();
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

void EnsembleForecaster::fit(std::span<const double> train) {
  for_each_member([&](NeuralForecaster& m) { m.fit(train); });
}

void EnsembleForecaster::fit_rows(data::RowRange train, data::RowRange validation) {
  for_each_member([&](NeuralForecaster& m) { m.fit_rows(train, validation); });
}

void EnsembleForecaster::load_weights(const std::string& run_dir) {
  load_weights([&](int64_t k) {
    return (std::filesystem::path(run_dir) / member_weights_file(k)).string();
  });
}

void EnsembleForecaster::load_weights(const std::function<std::string(int64_t)>& path_of) {
  for (size_t k = 0; k < members_.size(); ++k) {
    const std::string path = path_of(static_cast<int64_t>(k));
    members_[k].load_weights(path);
    nn::check_finite_parameters(*members_[k].net(), path);
  }
}

NeuralForecaster::PriceForecast EnsembleForecaster::forecast_from(size_t origin, int horizon,
                                                                  double level) {
  std::vector<std::vector<double>> mean, lower, upper;
  for (NeuralForecaster& m : members_) {
    NeuralForecaster::PriceForecast f = m.forecast_from(origin, horizon, level);
    mean.push_back(std::move(f.mean));
    if (!f.lower.empty()) {
      lower.push_back(std::move(f.lower));
      upper.push_back(std::move(f.upper));
    }
  }
  NeuralForecaster::PriceForecast out{members_mean(mean), {}, {}};
  if (!lower.empty()) {
    out.lower = members_mean(lower);
    out.upper = members_mean(upper);
  }
  return out;
}

std::vector<double> EnsembleForecaster::forecast(std::span<const double> history, int horizon) {
  std::vector<std::vector<double>> values;
  for (NeuralForecaster& m : members_) values.push_back(m.forecast(history, horizon));
  return members_mean(values);
}

std::optional<Interval> EnsembleForecaster::interval(std::span<const double> history, int horizon,
                                                     double level) {
  std::vector<std::vector<double>> lower, upper;
  double nominal = level;
  for (NeuralForecaster& m : members_) {
    std::optional<Interval> i = m.interval(history, horizon, level);
    if (!i) return std::nullopt;
    nominal = i->level;
    lower.push_back(std::move(i->lower));
    upper.push_back(std::move(i->upper));
  }
  return Interval{nominal, members_mean(lower), members_mean(upper)};
}

MemberSpread member_spread(const std::string& split, std::span<const Metrics> members) {
  MemberSpread out{split, members.size(), {}};
  auto add = [&](const std::string& name, double Metrics::*field) {
    std::vector<double> values;
    for (const Metrics& m : members) values.push_back(m.*field);
    out.metrics.emplace_back(name, spread_of(std::move(values)));
  };
  add("mae", &Metrics::mae);
  add("rmse", &Metrics::rmse);
  add("mape", &Metrics::mape);
  add("smape", &Metrics::smape);
  add("mase", &Metrics::mase);
  add("directional_accuracy", &Metrics::directional_accuracy);
  if (!members.empty() && members.front().interval) {
    std::vector<double> coverage, width;
    for (const Metrics& m : members) {
      coverage.push_back(m.interval ? m.interval->coverage : std::nan(""));
      width.push_back(m.interval ? m.interval->mean_width : std::nan(""));
    }
    out.metrics.emplace_back("coverage", spread_of(std::move(coverage)));
    out.metrics.emplace_back("mean_width", spread_of(std::move(width)));
  }
  return out;
}

}  // namespace recur::forecast
