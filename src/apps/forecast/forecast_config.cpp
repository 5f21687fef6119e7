#include "recur/apps/forecast/forecast_config.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/tensor/error.h"

namespace recur::forecast {

namespace {

using json = nlohmann::json;

constexpr const char* kFormat = "recur.forecast.v1";

// A whole-number field of any integer type, read through io::json_whole.
template <class T>
T whole(const json& j, const char* key, T fallback, Range range, const std::string& where) {
  return static_cast<T>(
      io::json_whole(j, key, static_cast<int64_t>(fallback), range.min, range.max, where));
}

std::string missing_name(data::MissingValues m) {
  return m == data::MissingValues::kForwardFill ? "ffill" : "error";
}

data::MissingValues parse_missing(const std::string& name) {
  if (name == "error") return data::MissingValues::kError;
  if (name == "ffill" || name == "forward_fill") return data::MissingValues::kForwardFill;
  throw ValueError("config: data.missing must be 'error' or 'ffill', got '" + name + "'");
}

json panel_to_json(const PanelConfig& p) {
  json series = json::array();
  for (const PanelConfig::Series& s : p.series) {
    series.push_back({{"symbol", s.symbol}, {"scalers", s.scalers.to_json()}});
  }
  return {{"symbols", p.all() ? json("all") : json(p.symbols)},
          {"mode", panel_mode_name(p.mode)},
          {"series", series}};
}

PanelConfig panel_from_json(const json& j) {
  const std::string where = "config: panel";
  if (!j.is_object()) throw ValueError(where + ": expected an object");
  PanelConfig p;
  const json& symbols = j.contains("symbols") ? j.at("symbols") : json();
  if (symbols.is_string() && symbols.get<std::string>() == "all") {
    p.symbols = {"all"};
  } else {
    p.symbols = io::json_strings(j, "symbols", {}, where);
  }
  p.mode = parse_panel_mode(io::json_string(j, "mode", "global", where));
  if (j.contains("series")) {
    if (!j.at("series").is_array()) throw ValueError(where + ".series: expected an array");
    for (const json& s : j.at("series")) {
      if (!s.is_object() || !s.contains("scalers")) {
        throw ValueError(where + ".series: each entry needs 'symbol' and 'scalers'");
      }
      p.series.push_back({io::json_string(s, "symbol", "", where + ".series"),
                          data::FrameScalers::from_json(s.at("scalers"))});
    }
  }
  return p;
}

}  // namespace

data::TableLayout parse_layout(const std::string& name, const std::string& where) {
  if (name == "long") return data::TableLayout::kLong;
  if (name == "wide") return data::TableLayout::kWide;
  throw ValueError(where + " must be 'long' or 'wide', got '" + name + "'");
}

std::string panel_mode_name(PanelMode mode) {
  return mode == PanelMode::kPerSeries ? "per_series" : "global";
}

PanelMode parse_panel_mode(const std::string& name) {
  if (name == "global") return PanelMode::kGlobal;
  if (name == "per_series") return PanelMode::kPerSeries;
  throw ValueError("config: panel.mode must be 'global' or 'per_series', got '" + name + "'");
}

data::Frequency parse_frequency(const std::string& name, const std::string& where) {
  using F = data::Frequency;
  std::string known;
  for (F f : {F::yearly, F::quarterly, F::monthly, F::weekly, F::daily, F::business_daily,
              F::hourly, F::half_hourly}) {
    if (name == data::frequency_name(f)) return f;
    known += (known.empty() ? "" : ", ") + std::string(data::frequency_name(f));
  }
  throw ValueError(where + ": unknown frequency '" + name + "' (expected one of " + known + ")");
}

std::string head_name(HeadKind head) {
  switch (head) {
    case HeadKind::kPoint:
      return "point";
    case HeadKind::kGaussian:
      return "gaussian";
    case HeadKind::kQuantile:
      return "quantile";
  }
  return "point";
}

HeadKind parse_head(const std::string& name) {
  if (name == "point") return HeadKind::kPoint;
  if (name == "gaussian") return HeadKind::kGaussian;
  if (name == "quantile") return HeadKind::kQuantile;
  throw ValueError("head must be point, gaussian or quantile, got '" + name + "'");
}

std::string strategy_name(Strategy strategy) {
  return strategy == Strategy::kRecursive ? "recursive" : "direct";
}

Strategy parse_strategy(const std::string& name) {
  if (name == "direct") return Strategy::kDirect;
  if (name == "recursive") return Strategy::kRecursive;
  throw ValueError("strategy must be direct or recursive, got '" + name + "'");
}

int64_t ForecastConfig::model_steps() const {
  return model.strategy == Strategy::kRecursive ? 1 : static_cast<int64_t>(horizon);
}

int64_t ForecastConfig::head_outputs() const {
  switch (model.head) {
    case HeadKind::kPoint:
      return model_steps();
    case HeadKind::kGaussian:
      return 2 * model_steps();
    case HeadKind::kQuantile:
      return static_cast<int64_t>(model.quantiles.size()) * model_steps();
  }
  return model_steps();
}

void ForecastConfig::validate() const {
  auto fail = [](const std::string& what) { throw ValueError("config: " + what); };
  auto check_range = [&](const char* name, int64_t value, Range range) {
    if (value < range.min || value > range.max) {
      fail(std::string(name) + " must be in [" + std::to_string(range.min) + ", " +
           std::to_string(range.max) + "], got " + std::to_string(value));
    }
  };
  // size_t fields are compared as unsigned first: a wrapped -5 is huge, not negative.
  auto check_size = [&](const char* name, size_t value, Range range) {
    if (value > static_cast<size_t>(range.max)) {
      fail(std::string(name) + " must be in [" + std::to_string(range.min) + ", " +
           std::to_string(range.max) + "], got " + std::to_string(value));
    }
    check_range(name, static_cast<int64_t>(value), range);
  };
  check_size("window", window, kLimits.window);
  check_size("horizon", horizon, kLimits.horizon);
  if (model.cell != "lstm" && model.cell != "gru" && model.cell != "rnn") {
    fail("model.cell must be lstm, gru or rnn, got '" + model.cell + "'");
  }
  check_range("model.hidden_size", model.hidden_size, kLimits.hidden_size);
  check_range("model.num_layers", model.num_layers, kLimits.num_layers);
  if (!(model.dropout >= 0.0f && model.dropout < 1.0f)) fail("model.dropout must be in [0, 1)");
  if (model.head == HeadKind::kQuantile) {
    for (double q : model.quantiles) {
      if (!(q > 0.0 && q < 1.0)) fail("model.quantiles must lie in (0, 1)");
    }
    if (std::find(model.quantiles.begin(), model.quantiles.end(), 0.5) == model.quantiles.end()) {
      fail("model.quantiles must contain 0.5 (the median is the point forecast)");
    }
  }
  if (model.strategy == Strategy::kRecursive) {
    const auto& in = features.inputs;
    const bool target_only =
        in.size() == 1 &&
        ((features.target == data::TargetKind::kPrice && in[0] == features.target_column) ||
         (features.target == data::TargetKind::kLogReturn && in[0] == "log_return"));
    if (!target_only) {
      fail(
          "the recursive strategy feeds predictions back as inputs, so the only input must be "
          "the target itself (target price with input '" +
          features.target_column + "', or target log_return with input 'log_return')");
    }
    if (model.head != HeadKind::kPoint) fail("the recursive strategy needs the point head");
  }
  check_range("training.epochs", training.epochs, kLimits.epochs);
  check_range("training.patience", training.patience, kLimits.epochs);
  check_range("training.batch_size", training.batch_size, kLimits.batch_size);
  check_size("training.gap", training.gap, kLimits.gap);
  check_range("training.ensemble", training.ensemble, kLimits.ensemble);
  if (!(training.lr > 0 && training.lr <= kLimits.max_lr)) {
    fail("training.lr must be in (0, " + std::to_string(kLimits.max_lr) + "], got " +
         std::to_string(training.lr));
  }
  if (!(training.clip_grad_norm >= 0 && std::isfinite(training.clip_grad_norm))) {
    fail("training.clip_grad_norm must be a finite number >= 0 (0: no clipping)");
  }
  if (!(training.val_fraction > 0 && training.test_fraction > 0 &&
        training.val_fraction + training.test_fraction < 1)) {
    fail("training.val_fraction and training.test_fraction must be > 0 with a sum below 1");
  }
  if (panel.active()) {
    if (!symbol.empty()) fail("data.symbol and panel.symbols both name series: give one");
    for (const std::string& s : panel.symbols) {
      if (s.empty()) fail("panel.symbols holds an empty name");
    }
  }
}

json to_json(const ForecastConfig& c) {
  json j;
  j["format"] = kFormat;
  j["recur_version"] = "0.1.0";
  j["data"] = {{"date_column", c.date_column},
               {"symbol", c.symbol},
               {"missing", missing_name(c.missing)},
               {"frequency", c.frequency ? std::string(data::frequency_name(*c.frequency)) : ""}};
  if (c.layout == data::TableLayout::kWide) j["data"]["layout"] = "wide";
  j["features"] = data::feature_spec_to_json(c.features);
  j["window"] = c.window;
  j["horizon"] = c.horizon;
  j["model"] = {{"cell", c.model.cell},
                {"hidden_size", c.model.hidden_size},
                {"num_layers", c.model.num_layers},
                {"bidirectional", c.model.bidirectional},
                {"dropout", c.model.dropout},
                {"head", head_name(c.model.head)},
                {"strategy", strategy_name(c.model.strategy)},
                {"quantiles", c.model.quantiles}};
  j["input_scaler"] = data::scaler_kind_name(c.input_scaler);
  j["target_scaler"] = data::scaler_kind_name(c.target_scaler);
  if (c.scalers.inputs.size() > 0) j["scalers"] = c.scalers.to_json();
  const TrainingConfig& t = c.training;
  j["training"] = {{"epochs", t.epochs},
                   {"batch_size", t.batch_size},
                   {"lr", t.lr},
                   {"patience", t.patience},
                   {"clip_grad_norm", t.clip_grad_norm},
                   {"seed", t.seed},
                   {"val_fraction", t.val_fraction},
                   {"test_fraction", t.test_fraction},
                   {"gap", t.gap}};
  if (t.ensemble > 1) j["training"]["ensemble"] = t.ensemble;
  if (c.panel.active()) j["panel"] = panel_to_json(c.panel);
  return j;
}

ForecastConfig config_from_json(const json& j) {
  if (!j.is_object()) throw ValueError("config: expected a JSON object");
  if (j.contains("format") && j.at("format") != kFormat) {
    throw ValueError("config: unknown format " + io::json_excerpt(j.at("format")) +
                     " (expected \"" + kFormat + "\")");
  }
  ForecastConfig c;
  const json& data_j = io::json_object(j, "data", "config");
  c.date_column = io::json_string(data_j, "date_column", c.date_column, "config: data");
  c.symbol = io::json_string(data_j, "symbol", c.symbol, "config: data");
  c.missing = parse_missing(io::json_string(data_j, "missing", "error", "config: data"));
  // Written since frequencies other than daily were supported; "" (or absent): inferred.
  const std::string frequency = io::json_string(data_j, "frequency", "", "config: data");
  if (!frequency.empty()) c.frequency = parse_frequency(frequency, "config: data.frequency");
  c.layout = parse_layout(io::json_string(data_j, "layout", "long", "config: data"),
                          "config: data.layout");
  if (!j.contains("features")) throw ValueError("config: field 'features' is required");
  c.features = data::feature_spec_from_json(j.at("features"));
  c.window = whole(j, "window", c.window, kLimits.window, "config");
  c.horizon = whole(j, "horizon", c.horizon, kLimits.horizon, "config");
  const json& m = io::json_object(j, "model", "config");
  const std::string where_m = "config: model";
  c.model.cell = io::json_string(m, "cell", c.model.cell, where_m);
  c.model.hidden_size = whole(m, "hidden_size", c.model.hidden_size, kLimits.hidden_size, where_m);
  c.model.num_layers = whole(m, "num_layers", c.model.num_layers, kLimits.num_layers, where_m);
  c.model.bidirectional = io::json_bool(m, "bidirectional", c.model.bidirectional, where_m);
  c.model.dropout =
      static_cast<float>(io::json_real(m, "dropout", c.model.dropout, 0.0, 1.0, where_m));
  c.model.head = parse_head(io::json_string(m, "head", "point", where_m));
  c.model.strategy = parse_strategy(io::json_string(m, "strategy", "direct", where_m));
  c.model.quantiles = io::json_reals(m, "quantiles", c.model.quantiles, where_m);
  c.input_scaler =
      data::parse_scaler_kind(io::json_string(j, "input_scaler", "standard", "config"));
  c.target_scaler =
      data::parse_scaler_kind(io::json_string(j, "target_scaler", "standard", "config"));
  if (j.contains("scalers")) c.scalers = data::FrameScalers::from_json(j.at("scalers"));
  const json& t = io::json_object(j, "training", "config");
  const std::string where_t = "config: training";
  TrainingConfig& tc = c.training;
  tc.epochs = whole(t, "epochs", tc.epochs, kLimits.epochs, where_t);
  tc.batch_size = whole(t, "batch_size", tc.batch_size, kLimits.batch_size, where_t);
  tc.lr = io::json_real(t, "lr", tc.lr, 0.0, kLimits.max_lr, where_t);
  tc.patience = whole(t, "patience", tc.patience, kLimits.epochs, where_t);
  tc.clip_grad_norm = io::json_real(t, "clip_grad_norm", tc.clip_grad_norm, 0.0,
                                    std::numeric_limits<double>::max(), where_t);
  tc.seed = static_cast<uint64_t>(whole(t, "seed", static_cast<int64_t>(tc.seed),
                                        {0, std::numeric_limits<int64_t>::max()}, where_t));
  tc.val_fraction = io::json_real(t, "val_fraction", tc.val_fraction, 0.0, 1.0, where_t);
  tc.test_fraction = io::json_real(t, "test_fraction", tc.test_fraction, 0.0, 1.0, where_t);
  tc.gap = whole(t, "gap", tc.gap, kLimits.gap, where_t);
  tc.ensemble = whole(t, "ensemble", tc.ensemble, kLimits.ensemble, where_t);
  if (j.contains("panel")) c.panel = panel_from_json(j.at("panel"));
  c.validate();
  return c;
}

ForecastConfig load_config(const std::string& path) {
  const json j = io::read_json_file(path);
  try {
    return config_from_json(j);
  } catch (const ValueError& e) {
    throw ValueError(path + ": " + e.what());
  } catch (const json::exception& e) {
    throw ValueError(path + ": " + io::json_error_text(e));
  }
}

void save_config(const std::string& path, const ForecastConfig& config) {
  io::write_file_atomically(path, to_json(config).dump(2) + "\n");
}

}  // namespace recur::forecast
