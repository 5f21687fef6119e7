#include "recur/apps/forecast/neural_forecaster.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "recur/autograd/grad_mode.h"
#include "recur/data/windows.h"
#include "recur/nn/module.h"
#include "recur/optim/adam.h"

namespace recur::forecast {

NeuralForecaster::NeuralForecaster(data::FeatureFrame frame, ForecastConfig config,
                                   FitOptions options)
    : frame_(std::move(frame)),
      config_(std::move(config)),
      options_(std::move(options)),
      generator_(std::make_unique<Generator>(config_.training.seed)) {
  config_.validate();
  if (config_.scalers.inputs.size() > 0) scaled_ = config_.scalers.apply(frame_);
}

NeuralForecaster::NeuralForecaster(data::FeatureFrame frame, ForecastConfig config,
                                   std::shared_ptr<ForecastNet> trained)
    : NeuralForecaster(std::move(frame), std::move(config)) {
  check_scalers_fit();
  net_ = std::move(trained);
}

void NeuralForecaster::check_scalers_fit() const {
  if (config_.scalers.inputs.size() != frame_.num_inputs()) {
    throw ValueError("neural forecaster: the configuration's scalers cover " +
                     std::to_string(config_.scalers.inputs.size()) + " inputs, the data has " +
                     std::to_string(frame_.num_inputs()));
  }
}

void NeuralForecaster::fit(std::span<const double> train) {
  const size_t n = train.size();
  if (n > frame_.rows() || n <= frame_.first_valid) {
    throw ValueError("neural forecaster: training series of " + std::to_string(n) +
                     " values does not fit the data's " + std::to_string(frame_.rows()) + " rows");
  }
  const double val_share = config_.training.val_fraction / (1.0 - config_.training.test_fraction);
  const size_t usable = n - frame_.first_valid;
  const size_t boundary =
      frame_.first_valid +
      static_cast<size_t>(std::lround(static_cast<double>(usable) * (1.0 - val_share)));
  fit_rows({frame_.first_valid, boundary}, {boundary, n});
}

void NeuralForecaster::make_net() {
  generator_->seed(config_.training.seed);
  net_ = std::make_shared<ForecastNet>(config_, static_cast<int64_t>(frame_.num_inputs()),
                                       *generator_);
}

train::History train_forecast_net(ForecastNet& net, Generator& generator,
                                  const ForecastConfig& config, const FitOptions& options,
                                  const data::WindowSet& train, const data::WindowSet* validation) {
  optim::Adam optimizer(net.parameters(), {.lr = config.training.lr});
  const TrainingConfig& t = config.training;
  train::DataLoader train_loader(train.x, train.y,
                                 {.batch_size = t.batch_size, .shuffle = true, .seed = t.seed});
  std::unique_ptr<train::DataLoader> val_loader;
  if (validation) {
    val_loader = std::make_unique<train::DataLoader>(validation->x, validation->y,
                                                     train::DataLoaderOptions{.batch_size = 256});
  }
  train::Trainer trainer(
      net, optimizer,
      [&net](const train::Batch& b) { return net.loss(net.forward(b.inputs), b.targets); },
      {.epochs = t.epochs,
       .patience = t.patience,
       .clip_grad_norm = t.clip_grad_norm,
       .checkpoint_path = options.checkpoint_path,
       .resume = options.resume,
       .metrics_csv = options.metrics_csv,
       .metrics_json = {},
       .progress = options.progress,
       .progress_stream = options.progress_stream,
       .generator = &generator,
       .run_identity = options.run_identity});
  train::History history = trainer.fit(train_loader, val_loader.get());
  net.eval();
  return history;
}

void NeuralForecaster::fit_rows(data::RowRange train, data::RowRange validation) {
  config_.scalers =
      data::FrameScalers::fit(frame_, train, config_.input_scaler, config_.target_scaler);
  scaled_ = config_.scalers.apply(frame_);
  const data::WindowSpec spec{config_.window, static_cast<size_t>(config_.model_steps())};
  const data::WindowSet train_set = data::make_windows(scaled_, train, spec, "training");
  std::optional<data::WindowSet> val_set;
  if (!validation.empty()) {
    val_set = data::make_windows(scaled_, validation, spec, "validation");
  }
  make_net();
  history_ = train_forecast_net(*net_, *generator_, config_, options_, train_set,
                                val_set ? &*val_set : nullptr);
}

void NeuralForecaster::load_weights(const std::string& path) {
  check_scalers_fit();
  make_net();
  nn::load(*net_, path);
  net_->eval();
  scaled_ = config_.scalers.apply(frame_);
}

double NeuralForecaster::interval_level(double requested) const {
  if (config_.model.head != HeadKind::kQuantile) return requested;
  const auto [lo, hi] =
      std::minmax_element(config_.model.quantiles.begin(), config_.model.quantiles.end());
  return *hi - *lo;
}

Tensor NeuralForecaster::window_at(size_t origin) const {
  const size_t w = config_.window, f = scaled_.num_inputs();
  if (origin < scaled_.first_valid + w || origin > scaled_.rows()) {
    throw ValueError("neural forecaster: origin row " + std::to_string(origin) + " needs rows " +
                     std::to_string(origin < w ? 0 : origin - w) + ".." + std::to_string(origin) +
                     " of the data (valid rows start at " + std::to_string(scaled_.first_valid) +
                     ", window " + std::to_string(w) + ")");
  }
  Tensor x = Tensor::empty({1, static_cast<int64_t>(w), static_cast<int64_t>(f)});
  for (size_t r = 0; r < w; ++r) {
    for (size_t c = 0; c < f; ++c) {
      x.data()[r * f + c] = static_cast<float>(scaled_.inputs[c][origin - w + r]);
    }
  }
  return x;
}

NeuralForecaster::PriceForecast NeuralForecaster::forecast_from(size_t origin, int horizon,
                                                                double level) {
  if (!net_) throw ValueError("neural forecaster: no trained network");
  check_horizon("neural forecast", horizon);
  NoGradGuard no_grad;
  Tensor x = window_at(origin);  // checks the origin
  const double anchor = frame_.price[origin - 1];
  ScaledForecast scaled;
  if (config_.model.strategy == Strategy::kDirect) {
    if (horizon != static_cast<int>(config_.horizon)) {
      throw ValueError("neural forecast: the model was trained for horizon " +
                       std::to_string(config_.horizon) + ", asked for " + std::to_string(horizon));
    }
    scaled = net_->decode(net_->forward(x), 0, level);
  } else {
    // Feed each one-step prediction back as the newest input row (the input is the target).
    const int64_t w = x.size(1);
    for (int k = 0; k < horizon; ++k) {
      const double v = net_->decode(net_->forward(x), 0, level).mean[0];
      scaled.mean.push_back(v);
      const double as_input =
          config_.scalers.inputs.transform(0, config_.scalers.target.inverse(0, v));
      Tensor next = Tensor::empty(x.shape());
      std::copy(x.data() + 1, x.data() + w, next.data());
      next.data()[w - 1] = static_cast<float>(as_input);
      x = next;
    }
  }
  auto to_prices = [&](const std::vector<double>& values) {
    const std::vector<float> v(values.begin(), values.end());
    return config_.scalers.to_prices(frame_.target_kind, anchor, v);
  };
  PriceForecast out{to_prices(scaled.mean), {}, {}};
  if (!scaled.lower.empty()) {
    out.lower = to_prices(scaled.lower);
    out.upper = to_prices(scaled.upper);
  }
  return out;
}

size_t NeuralForecaster::origin_of(const std::string& who, std::span<const double> history) const {
  check_history(who, history, min_history());
  const size_t origin = history.size();
  if (origin > frame_.rows()) {
    throw ValueError(who + ": a history of " + std::to_string(origin) +
                     " values is longer than the data's " + std::to_string(frame_.rows()) +
                     " rows");
  }
  // The window's features were computed from these prices: a history from other data would get
  // a forecast of this data's rows.
  for (size_t i = origin - std::min(origin, config_.window + 1); i < origin; ++i) {
    if (history[i] != frame_.price[i]) {
      throw ValueError(who + ": history value " + std::to_string(i) + " (" +
                       std::to_string(history[i]) + ") is not row " + std::to_string(i) +
                       " of the data it was built on (" + std::to_string(frame_.price[i]) +
                       "): it forecasts only that series");
    }
  }
  return origin;
}

std::vector<double> NeuralForecaster::forecast(std::span<const double> history, int horizon) {
  return forecast_from(origin_of(name() + " forecast", history), horizon, 0.9).mean;
}

std::optional<Interval> NeuralForecaster::interval(std::span<const double> history, int horizon,
                                                   double level) {
  if (!has_interval()) return std::nullopt;
  PriceForecast f = forecast_from(origin_of(name() + " interval", history), horizon, level);
  return Interval{interval_level(level), std::move(f.lower), std::move(f.upper)};
}

}  // namespace recur::forecast
