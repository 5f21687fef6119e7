// ForecastConfig: everything that defines a forecasting model, saved as config.json in the run
// folder next to model.safetensors. `recur forecast predict` rebuilds the model, its features
// and its scalers from this file alone, so a model trained elsewhere (e.g. the PyTorch
// StockForecaster of the tutorial) runs here given a config.json written by hand.
// The schema (docs/FORECAST.md documents every field):
//
//   {
//     "format": "recur.forecast.v1",  "recur_version": "0.1.0",
//     "data":     {"date_column": "date", "symbol": "", "missing": "error", "frequency": "",
//                  "layout": "long"},
//     "features": {"target_column": "close", "target": "log_return", "inputs": ["log_return"]},
//     "window": 30, "horizon": 1,
//     "model":    {"cell": "lstm", "hidden_size": 64, "num_layers": 2, "bidirectional": false,
//                  "dropout": 0.0, "head": "point", "strategy": "direct",
//                  "quantiles": [0.05, 0.5, 0.95]},
//     "scalers":  {"inputs": {...}, "target": {...}}          (data::FrameScalers::to_json)
//     "training": {"epochs": 50, "batch_size": 32, "lr": 0.001, "patience": 8,
//                  "clip_grad_norm": 1.0, "seed": 0, "val_fraction": 0.15,
//                  "test_fraction": 0.15, "gap": 0, "ensemble": 1}
//     "panel":    {"symbols": "all" | ["AAPL", ...], "mode": "global" | "per_series",
//                  "series": [{"symbol": "AAPL", "scalers": {...}}, ...]}
//   ("ensemble" is written only when above 1, "layout" only when wide, and "panel" only for a
//   run over many series, so a single model's config is as before)
//   }
//
// Parameter names in model.safetensors: "<cell>.weight_ih_l0" ... (cell = lstm, gru or rnn),
// "fc.weight", "fc.bias" — the tutorial's StockForecaster names.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "recur/data/features.h"
#include "recur/data/frame_scalers.h"
#include "recur/data/frequency.h"
#include "recur/data/price_table.h"

namespace recur::forecast {

// What the network's head predicts.
enum class HeadKind {
  kPoint,     // H values, MSE loss
  kGaussian,  // a mean and a log-variance per step, Gaussian negative log-likelihood
  kQuantile,  // one value per quantile per step, pinball loss; the median is the forecast
};

// How H > 1 steps are produced.
enum class Strategy {
  kDirect,     // one output per step
  kRecursive,  // one step, fed back as the next input (needs the target as the only input)
};

// The accepted range of each whole-number setting. config.json, the command-line flags and
// ForecastConfig::validate() all check against these, so every way in rejects the same values.
struct Range {
  int64_t min = 0;
  int64_t max = 0;
};
struct ConfigLimits {
  Range window{1, 100000};
  Range horizon{1, 10000};
  Range hidden_size{1, 65536};
  Range num_layers{1, 64};
  Range epochs{0, 1000000};  // also patience
  Range batch_size{1, 1000000};
  Range gap{0, 1000000000};
  Range ensemble{1, 64};  // members; 64 already trains 64 networks
  double max_lr = 1e6;
};
inline constexpr ConfigLimits kLimits{};

struct ModelConfig {
  std::string cell = "lstm";  // lstm | gru | rnn (tanh)
  int64_t hidden_size = 64;
  int64_t num_layers = 2;
  bool bidirectional = false;
  float dropout = 0.0f;
  HeadKind head = HeadKind::kPoint;
  Strategy strategy = Strategy::kDirect;
  std::vector<double> quantiles = {0.05, 0.5, 0.95};  // kQuantile: must contain 0.5
};

struct TrainingConfig {
  int64_t epochs = 50;
  int64_t batch_size = 32;
  double lr = 1e-3;
  int64_t patience = 8;
  double clip_grad_norm = 1.0;
  uint64_t seed = 0;
  double val_fraction = 0.15;
  double test_fraction = 0.15;
  size_t gap = 0;
  // Members of the ensemble (ensemble.h), seeded seed, seed + 1, ...; 1: a single network.
  int64_t ensemble = 1;
};

// A run over many series of one file (`--symbols`): one global network across them, or one network
// per series. docs/FORECAST.md, "Many series".
enum class PanelMode { kGlobal, kPerSeries };

struct PanelConfig {
  // The series to model: empty: a single series (ForecastConfig::symbol); {"all"}: every series
  // of the file; otherwise these tickers.
  std::vector<std::string> symbols;
  PanelMode mode = PanelMode::kGlobal;
  // Filled in by training, in file order: each series' ticker and the scalers fitted on its own
  // training rows (the global network reads each series through them; per series, each network
  // has its own).
  struct Series {
    std::string symbol;
    data::FrameScalers scalers;
  };
  std::vector<Series> series;

  bool active() const { return !symbols.empty(); }
  bool all() const { return symbols.size() == 1 && symbols.front() == "all"; }
};

struct ForecastConfig {
  std::string date_column = "date";
  std::string symbol;                                   // long-format files: the ticker
  data::TableLayout layout = data::TableLayout::kLong;  // wide: one column per ticker
  data::MissingValues missing = data::MissingValues::kError;
  // The series' sampling frequency (data/frequency.h); nullopt: inferred from the dates.
  std::optional<data::Frequency> frequency;
  data::FeatureSpec features;
  size_t window = 30;
  size_t horizon = 1;
  ModelConfig model;
  data::FrameScalers scalers;  // filled in by training
  data::ScalerKind input_scaler = data::ScalerKind::kStandard;
  data::ScalerKind target_scaler = data::ScalerKind::kStandard;
  TrainingConfig training;
  PanelConfig panel;

  // Steps the network predicts per sample (1 when recursive).
  int64_t model_steps() const;
  // Outputs of the head: steps x (1 | 2 | number of quantiles).
  int64_t head_outputs() const;
  // Throws ValueError naming the field for anything inconsistent.
  void validate() const;
};

nlohmann::json to_json(const ForecastConfig& config);
// ValueError naming the field on a malformed or inconsistent document.
ForecastConfig config_from_json(const nlohmann::json& j);
ForecastConfig load_config(const std::string& path);  // IoError/ValueError naming the file
void save_config(const std::string& path, const ForecastConfig& config);

// A data::frequency_name() back to its Frequency; ValueError naming `where` and listing the names.
data::Frequency parse_frequency(const std::string& name, const std::string& where);

std::string head_name(HeadKind head);
HeadKind parse_head(const std::string& name);
std::string strategy_name(Strategy strategy);
// "long" | "wide"; ValueError naming `where` otherwise.
data::TableLayout parse_layout(const std::string& name, const std::string& where);
std::string panel_mode_name(PanelMode mode);
PanelMode parse_panel_mode(const std::string& name);
Strategy parse_strategy(const std::string& name);

}  // namespace recur::forecast
