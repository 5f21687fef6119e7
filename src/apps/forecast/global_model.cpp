#include "recur/apps/forecast/global_model.h"

#include <algorithm>
#include <optional>

#include "recur/tensor/error.h"

namespace recur::forecast {

namespace {

// Rows of `from` appended to `to` ([N, ...] tensors of the same row width).
void append_rows(const Tensor& from, float* to) {
  std::copy(from.data(), from.data() + from.numel(), to);
}

}  // namespace

PanelWindows panel_windows(std::span<const data::FeatureFrame> scaled,
                           std::span<const data::RowRange> splits, const data::WindowSpec& spec,
                           std::string_view split_name) {
  if (scaled.size() != splits.size()) {
    throw ValueError("panel windows: " + std::to_string(scaled.size()) + " series but " +
                     std::to_string(splits.size()) + " splits");
  }
  std::vector<data::WindowSet> sets;
  std::vector<size_t> owner;
  std::string first_error;
  for (size_t k = 0; k < scaled.size(); ++k) {
    try {
      sets.push_back(data::make_windows(scaled[k], splits[k], spec, split_name));
      owner.push_back(k);
    } catch (const ValueError& e) {
      if (first_error.empty()) first_error = e.what();
    }
  }
  if (sets.empty()) {
    throw ValueError("no series has a " + std::string(split_name) +
                     " window (the first: " + first_error + ")");
  }
  size_t n = 0;
  for (const data::WindowSet& s : sets) n += s.size();
  const int64_t w = sets.front().x.size(1), f = sets.front().x.size(2);
  const int64_t h = sets.front().y.size(1);
  PanelWindows out;
  out.set.x = Tensor::empty({static_cast<int64_t>(n), w, f});
  out.set.y = Tensor::empty({static_cast<int64_t>(n), h});
  float* x = out.set.x.data();
  float* y = out.set.y.data();
  for (size_t i = 0; i < sets.size(); ++i) {
    const data::WindowSet& s = sets[i];
    if (s.x.size(2) != f) {
      throw ValueError("panel windows: series " + std::to_string(owner[i]) + " has " +
                       std::to_string(s.x.size(2)) + " inputs, series " +
                       std::to_string(owner.front()) + " has " + std::to_string(f));
    }
    append_rows(s.x, x);
    append_rows(s.y, y);
    x += s.x.numel();
    y += s.y.numel();
    auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(out.set.target_rows, s.target_rows);
    append(out.set.target_dates, s.target_dates);
    append(out.set.last_price, s.last_price);
    out.series.insert(out.series.end(), s.size(), owner[i]);
  }
  return out;
}

ForecastConfig with_scalers(ForecastConfig config, const data::FrameScalers& scalers) {
  config.scalers = scalers;
  return config;
}

GlobalFit fit_global(std::span<const data::FeatureFrame> frames,
                     std::span<const data::Splits> splits, const ForecastConfig& config,
                     const FitOptions& options) {
  if (frames.empty() || frames.size() != splits.size()) {
    throw ValueError("global model: " + std::to_string(frames.size()) + " series and " +
                     std::to_string(splits.size()) + " splits (need the same number, at least 1)");
  }
  GlobalFit fit;
  std::vector<data::FeatureFrame> scaled;
  std::vector<data::RowRange> train, validation;
  for (size_t k = 0; k < frames.size(); ++k) {
    fit.scalers.push_back(data::FrameScalers::fit(frames[k], splits[k].train, config.input_scaler,
                                                  config.target_scaler));
    scaled.push_back(fit.scalers.back().apply(frames[k]));
    train.push_back(splits[k].train);
    validation.push_back(splits[k].val);
  }
  const data::WindowSpec spec{config.window, static_cast<size_t>(config.model_steps())};
  const PanelWindows train_set = panel_windows(scaled, train, spec, "training");
  std::optional<PanelWindows> val_set;
  if (std::any_of(validation.begin(), validation.end(),
                  [](const data::RowRange& r) { return !r.empty(); })) {
    val_set = panel_windows(scaled, validation, spec, "validation");
  }
  Generator generator(config.training.seed);
  fit.net = std::make_shared<ForecastNet>(config, static_cast<int64_t>(frames.front().num_inputs()),
                                          generator);
  fit.history = train_forecast_net(*fit.net, generator, config, options, train_set.set,
                                   val_set ? &val_set->set : nullptr);
  return fit;
}

}  // namespace recur::forecast
