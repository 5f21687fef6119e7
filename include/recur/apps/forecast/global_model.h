// One network trained across many series: a "global" model (the cross-learning of DeepAR and
// N-BEATS). Each series keeps its own scalers, fitted on its own training rows only, so that
// series of different levels and volatilities look alike to the network; the training samples
// are every series' windows, each cut from one series alone (a window never runs from the end of
// one series into the next, whatever order the series come in); a shuffled epoch mixes them all.
// Early stopping watches every series' validation windows together.
//
//   std::vector<data::FeatureFrame> frames = ...;  // one per series, the same inputs
//   std::vector<data::Splits> splits = ...;        // each series' own chronological splits
//   GlobalFit fit = fit_global(frames, splits, config, options);
//   NeuralForecaster series_k(frames[k], config_for(config, fit.scalers[k]), fit.net);
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "recur/apps/forecast/neural_forecaster.h"

namespace recur::forecast {

// The windows of one split of every series, stacked: samples of series 0 first, then series 1, ...
struct PanelWindows {
  data::WindowSet set;         // x [N, W, F], y [N, H]; target_rows index each sample's series
  std::vector<size_t> series;  // the series of each sample
};
// make_windows() of `splits[k]` on `scaled[k]` for every series k, stacked. A series whose split
// is too short for one window adds none; ValueError (naming `split_name`) when no series has one.
PanelWindows panel_windows(std::span<const data::FeatureFrame> scaled,
                           std::span<const data::RowRange> splits, const data::WindowSpec& spec,
                           std::string_view split_name);

struct GlobalFit {
  std::shared_ptr<ForecastNet> net;         // trained, in eval mode
  std::vector<data::FrameScalers> scalers;  // per series, fitted on its training rows
  train::History history;
};

// Trains one network (initialised from config.training.seed) on the training windows of every
// series, with early stopping on their validation windows. The frames must have the same inputs.
GlobalFit fit_global(std::span<const data::FeatureFrame> frames,
                     std::span<const data::Splits> splits, const ForecastConfig& config,
                     const FitOptions& options = {});

// `config` with `scalers` in place: the configuration of one series' view of a global network.
ForecastConfig with_scalers(ForecastConfig config, const data::FrameScalers& scalers);

}  // namespace recur::forecast
