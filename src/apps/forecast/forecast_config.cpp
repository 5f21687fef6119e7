#include "recur/apps/forecast/forecast_config.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/io/atomic_file.h"
#include "recur/tensor/error.h"

namespace recur::forecast {

namespace {

using json = nlohmann::json;

constexpr const char* kFormat = "recur.forecast.v1";

template <class T>
T field(const json& j, const char* name, const T& fallback) {
  if (!j.contains(name)) return fallback;
  try {
    return j.at(name).get<T>();
  } catch (const json::exception&) {
    throw ValueError(std::string("config: field '") + name +
                     "' has the wrong type: " + j.at(name).dump());
  }
}

std::string missing_name(data::MissingValues m) {
  return m == data::MissingValues::kForwardFill ? "ffill" : "error";
}

data::MissingValues parse_missing(const std::string& name) {
  if (name == "error") return data::MissingValues::kError;
  if (name == "ffill" || name == "forward_fill") return data::MissingValues::kForwardFill;
  throw ValueError("config: data.missing must be 'error' or 'ffill', got '" + name + "'");
}

}  // namespace

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
  if (window < 1) fail("window must be at least 1");
  if (horizon < 1) fail("horizon must be at least 1");
  if (model.cell != "lstm" && model.cell != "gru" && model.cell != "rnn") {
    fail("model.cell must be lstm, gru or rnn, got '" + model.cell + "'");
  }
  if (model.hidden_size < 1 || model.num_layers < 1) {
    fail("model.hidden_size and model.num_layers must be at least 1");
  }
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
  if (training.epochs < 0 || training.batch_size < 1 || !(training.lr > 0)) {
    fail("training.epochs >= 0, training.batch_size >= 1 and training.lr > 0 are required");
  }
  if (!(training.val_fraction > 0 && training.test_fraction > 0 &&
        training.val_fraction + training.test_fraction < 1)) {
    fail("training.val_fraction and training.test_fraction must be > 0 with a sum below 1");
  }
}

json to_json(const ForecastConfig& c) {
  json j;
  j["format"] = kFormat;
  j["recur_version"] = "0.1.0";
  j["data"] = {
      {"date_column", c.date_column}, {"symbol", c.symbol}, {"missing", missing_name(c.missing)}};
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
  return j;
}

ForecastConfig config_from_json(const json& j) {
  if (!j.is_object()) throw ValueError("config: expected a JSON object");
  if (j.contains("format") && j.at("format") != kFormat) {
    throw ValueError("config: unknown format " + j.at("format").dump() + " (expected \"" + kFormat +
                     "\")");
  }
  ForecastConfig c;
  const json data_j = j.value("data", json::object());
  c.date_column = field<std::string>(data_j, "date_column", c.date_column);
  c.symbol = field<std::string>(data_j, "symbol", c.symbol);
  c.missing = parse_missing(field<std::string>(data_j, "missing", "error"));
  if (!j.contains("features")) throw ValueError("config: field 'features' is required");
  c.features = data::feature_spec_from_json(j.at("features"));
  c.window = field<size_t>(j, "window", c.window);
  c.horizon = field<size_t>(j, "horizon", c.horizon);
  const json m = j.value("model", json::object());
  c.model.cell = field<std::string>(m, "cell", c.model.cell);
  c.model.hidden_size = field<int64_t>(m, "hidden_size", c.model.hidden_size);
  c.model.num_layers = field<int64_t>(m, "num_layers", c.model.num_layers);
  c.model.bidirectional = field<bool>(m, "bidirectional", c.model.bidirectional);
  c.model.dropout = field<float>(m, "dropout", c.model.dropout);
  c.model.head = parse_head(field<std::string>(m, "head", "point"));
  c.model.strategy = parse_strategy(field<std::string>(m, "strategy", "direct"));
  c.model.quantiles = field<std::vector<double>>(m, "quantiles", c.model.quantiles);
  c.input_scaler = data::parse_scaler_kind(field<std::string>(j, "input_scaler", "standard"));
  c.target_scaler = data::parse_scaler_kind(field<std::string>(j, "target_scaler", "standard"));
  if (j.contains("scalers")) c.scalers = data::FrameScalers::from_json(j.at("scalers"));
  const json t = j.value("training", json::object());
  c.training.epochs = field<int64_t>(t, "epochs", c.training.epochs);
  c.training.batch_size = field<int64_t>(t, "batch_size", c.training.batch_size);
  c.training.lr = field<double>(t, "lr", c.training.lr);
  c.training.patience = field<int64_t>(t, "patience", c.training.patience);
  c.training.clip_grad_norm = field<double>(t, "clip_grad_norm", c.training.clip_grad_norm);
  c.training.seed = field<uint64_t>(t, "seed", c.training.seed);
  c.training.val_fraction = field<double>(t, "val_fraction", c.training.val_fraction);
  c.training.test_fraction = field<double>(t, "test_fraction", c.training.test_fraction);
  c.training.gap = field<size_t>(t, "gap", c.training.gap);
  c.validate();
  return c;
}

ForecastConfig load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot open the model configuration");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw IoError(path + ": not valid JSON: " + e.what());
  }
  try {
    return config_from_json(j);
  } catch (const ValueError& e) {
    throw ValueError(path + ": " + e.what());
  }
}

void save_config(const std::string& path, const ForecastConfig& config) {
  io::write_file_atomically(path, to_json(config).dump(2) + "\n");
}

}  // namespace recur::forecast
