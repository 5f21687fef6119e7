// `recur run`: applies one recurrent layer (RNN/LSTM/GRU stack) whose weights come from a
// PyTorch state_dict saved as safetensors to an input .npy, and writes output.npy, h_n.npy (and
// c_n.npy for an LSTM). The layer's options come from flags or a JSON file; sizes the weights
// determine (input, hidden and projection sizes, layers, directions, bias) are inferred, and a
// given value that disagrees with the weights is an error naming both.
//
//   recur run --weights lstm.safetensors --prefix lstm --input x.npy --out result/
//   recur run --weights w.safetensors --cell gru --batch-first --input x.npy
//             --lengths lengths.npy --h0 h0.npy --out result/
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "commands.h"
#include "number_flags.h"
#include "recur/autograd/grad_mode.h"
#include "recur/io/json_fields.h"
#include "recur/io/npy.h"
#include "recur/io/safetensors.h"
#include "recur/seq/packing.h"

namespace recur::cli {
namespace {

// What is known about the layer before looking at the weights; unset = not specified.
struct LayerSpec {
  std::optional<std::string> cell;
  std::optional<int64_t> input_size, hidden_size, num_layers, proj_size;
  std::optional<bool> bias, bidirectional, batch_first;
};

struct RunArgs {
  std::string weights, prefix, config, input, lengths, h0, c0, out;
  LayerSpec flags;
};

// ---- Layer options from a JSON file ---------------------------------------------------------

template <class T>
void read_key(const nlohmann::json& json, const std::string& key, std::optional<T>& into,
              const std::string& path) {
  if (!json.contains(key)) return;
  try {
    into = json.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ValueError(path + ": \"" + key + "\" has the wrong type (" + json.at(key).dump() + ")");
  }
}

LayerSpec read_config(const std::string& path) {
  const nlohmann::json json = io::read_json_file(path);
  if (!json.is_object()) throw ValueError(path + ": expected a JSON object of layer options");
  static const std::vector<std::string> known = {"cell",          "input_size", "hidden_size",
                                                 "num_layers",    "proj_size",  "bias",
                                                 "bidirectional", "batch_first"};
  for (const auto& [key, value] : json.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw ValueError(path + ": unknown key \"" + key +
                       "\" (known: cell, input_size, hidden_size, num_layers, proj_size, bias, "
                       "bidirectional, batch_first)");
    }
  }
  LayerSpec spec;
  read_key(json, "cell", spec.cell, path);
  read_key(json, "input_size", spec.input_size, path);
  read_key(json, "hidden_size", spec.hidden_size, path);
  read_key(json, "num_layers", spec.num_layers, path);
  read_key(json, "proj_size", spec.proj_size, path);
  read_key(json, "bias", spec.bias, path);
  read_key(json, "bidirectional", spec.bidirectional, path);
  read_key(json, "batch_first", spec.batch_first, path);
  return spec;
}

// Flags override the config file.
template <class T>
void override_with(std::optional<T>& base, const std::optional<T>& flag) {
  if (flag) base = flag;
}

LayerSpec merge(LayerSpec config, const LayerSpec& flags) {
  override_with(config.cell, flags.cell);
  override_with(config.input_size, flags.input_size);
  override_with(config.hidden_size, flags.hidden_size);
  override_with(config.num_layers, flags.num_layers);
  override_with(config.proj_size, flags.proj_size);
  override_with(config.bias, flags.bias);
  override_with(config.bidirectional, flags.bidirectional);
  override_with(config.batch_first, flags.batch_first);
  return config;
}

// ---- Weights --------------------------------------------------------------------------------

// The recurrent parameters under `prefix` ("lstm" or "lstm." select "lstm.weight_ih_l0"), with
// the prefix removed. Names with a further '.' belong to other modules and are skipped.
TensorMap select_parameters(const TensorMap& all, std::string prefix, const std::string& path) {
  if (!prefix.empty() && prefix.back() != '.') prefix += '.';
  TensorMap selected;
  for (const auto& [name, tensor] : all) {
    if (name.rfind(prefix, 0) != 0) continue;
    std::string rest = name.substr(prefix.size());
    if (rest.find('.') == std::string::npos) selected[rest] = tensor;
  }
  if (selected.count("weight_ih_l0")) return selected;
  std::string hint;
  for (const auto& [name, tensor] : all) {
    const std::string suffix = ".weight_ih_l0";
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      hint += (hint.empty() ? "; it has " : ", ") + name + " (--prefix " +
              name.substr(0, name.size() - suffix.size()) + ")";
    }
  }
  throw ValueError(path + ": no tensor " + prefix + "weight_ih_l0" + hint);
}

// What the weights say about the layer.
struct WeightFacts {
  int64_t gates = 0, input_size = 0, hidden_size = 0, num_layers = 0, proj_size = 0;
  bool bias = false, bidirectional = false;
  std::set<std::string> own_names;  // first-layer tensors beyond PyTorch's ("ln_weight_ih", ...)
};

WeightFacts inspect_weights(const TensorMap& params, const std::string& path) {
  auto shape_of = [&](const std::string& name, int64_t rank) {
    const Tensor& t = params.at(name);
    if (t.dim() != rank) {
      throw ShapeError(path + ": " + name + " should have " + std::to_string(rank) +
                       " dimensions, got " + shape_str(t.shape()));
    }
    return t.shape();
  };
  if (!params.count("weight_hh_l0")) throw ValueError(path + ": no tensor weight_hh_l0");
  WeightFacts facts;
  const Shape w_ih = shape_of("weight_ih_l0", 2);
  const Shape w_hh = shape_of("weight_hh_l0", 2);
  facts.input_size = w_ih[1];
  if (params.count("weight_hr_l0")) {
    const Shape w_hr = shape_of("weight_hr_l0", 2);  // [P, H]
    facts.proj_size = w_hr[0];
    facts.hidden_size = w_hr[1];
  } else {
    facts.hidden_size = w_hh[1];
  }
  if (facts.hidden_size <= 0 || w_ih[0] % facts.hidden_size != 0) {
    throw ShapeError(path + ": weight_ih_l0 " + shape_str(w_ih) +
                     " does not have a whole number of gates of hidden size " +
                     std::to_string(facts.hidden_size));
  }
  facts.gates = w_ih[0] / facts.hidden_size;
  while (params.count("weight_ih_l" + std::to_string(facts.num_layers))) ++facts.num_layers;
  facts.bias = params.count("bias_ih_l0") > 0;
  facts.bidirectional = params.count("weight_ih_l0_reverse") > 0;
  static const std::set<std::string> pytorch{"weight_ih", "weight_hh", "bias_ih", "bias_hh",
                                             "weight_hr"};
  for (const auto& [name, tensor] : params) {
    if (!name.ends_with("_l0")) continue;
    const std::string base = name.substr(0, name.size() - 3);
    if (!pytorch.count(base)) facts.own_names.insert(base);
  }
  return facts;
}

nn::CellType resolve_cell(const std::optional<std::string>& given, const WeightFacts& facts,
                          const std::string& path) {
  const auto describe = [&] {
    return std::to_string(facts.gates) + " gates of hidden size " +
           std::to_string(facts.hidden_size);
  };
  if (!given) {
    std::vector<nn::CellType> fitting;
    std::string known, choices;
    for (nn::CellType type : nn::cell_types()) {
      const std::string gates = std::to_string(nn::gate_count(type));
      known += (known.empty() ? "" : ", ") + nn::cell_flag_name(type) + " (" + gates + ")";
      const std::vector<std::string> own = nn::cell_parameter_names(type);
      if (nn::gate_count(type) != facts.gates ||
          std::set<std::string>(own.begin(), own.end()) != facts.own_names) {
        continue;
      }
      fitting.push_back(type);
      choices += (choices.empty() ? "--cell " : " or --cell ") + nn::cell_flag_name(type);
    }
    if (fitting.size() == 1) return fitting[0];
    if (fitting.empty()) {
      throw ValueError(path + ": weights with " + describe() + " fit no cell: " + known);
    }
    throw ValueError(path + ": the weights fit several cells with " + describe() + "; pass " +
                     choices);
  }
  const nn::CellType type = nn::parse_cell_type(*given, "--cell");
  if (nn::gate_count(type) != facts.gates) {
    throw ValueError("--cell " + *given + " needs " + std::to_string(nn::gate_count(type)) +
                     " gates, but " + path + " has " + describe() + " (weight_ih_l0 " +
                     shape_str(Shape{facts.gates * facts.hidden_size, facts.input_size}) + ")");
  }
  return type;
}

template <class T>
T agree(const std::optional<T>& given, T from_weights, const std::string& option,
        const std::string& path) {
  if (given && *given != from_weights) {
    auto str = [](T v) {
      if constexpr (std::is_same_v<T, bool>)
        return std::string(v ? "true" : "false");
      else
        return std::to_string(v);
    };
    throw ValueError(option + " = " + str(*given) + " disagrees with the weights in " + path +
                     ", which have " + option + " = " + str(from_weights));
  }
  return from_weights;
}

// ---- The command ----------------------------------------------------------------------------

Tensor read_optional_npy(const std::string& path) {
  return path.empty() ? Tensor() : io::read_npy(path);
}

void write_result(const std::filesystem::path& dir, const std::string& name, const Tensor& t) {
  const std::string path = (dir / name).string();
  io::write_npy(path, t);
  std::cout << "wrote " << path << " " << shape_str(t.shape()) << "\n";
}

// Runs the layer, as a packed batch when --lengths is given.
nn::RecurrentOutput run_layer(nn::RecurrentLayer& layer, const RunArgs& args, const Tensor& input,
                              const Tensor& h0, const Tensor& c0) {
  const bool batch_first = layer.options().batch_first;
  if (args.lengths.empty()) return layer.forward(input, h0, c0);
  const io::Int64Array lengths = io::read_npy_int64(args.lengths);
  if (lengths.shape.size() != 1) {
    throw ShapeError(args.lengths + ": expected one length per sequence [B], got " +
                     shape_str(lengths.shape));
  }
  const int64_t steps = input.size(batch_first ? 1 : 0);
  PackedSequence packed =
      pack_padded_sequence(input, lengths.values, batch_first, /*enforce_sorted=*/false);
  nn::PackedRecurrentOutput out = layer.forward(packed, h0, c0);
  // Padded back to the input's length (not the longest sequence's), so output lines up with
  // the input step for step.
  return {pad_packed_sequence(out.output, batch_first, 0.0f, steps).padded, out.h_n, out.c_n};
}

void run(const RunArgs& args) {
  const LayerSpec spec =
      merge(args.config.empty() ? LayerSpec{} : read_config(args.config), args.flags);
  const TensorMap params =
      select_parameters(io::load_safetensors(args.weights), args.prefix, args.weights);
  const WeightFacts facts = inspect_weights(params, args.weights);

  nn::RecurrentOptions options;
  const nn::CellType type = resolve_cell(spec.cell, facts, args.weights);
  options.input_size = agree(spec.input_size, facts.input_size, "input_size", args.weights);
  options.hidden_size = agree(spec.hidden_size, facts.hidden_size, "hidden_size", args.weights);
  options.num_layers = agree(spec.num_layers, facts.num_layers, "num_layers", args.weights);
  options.proj_size = agree(spec.proj_size, facts.proj_size, "proj_size", args.weights);
  options.bias = agree(spec.bias, facts.bias, "bias", args.weights);
  options.bidirectional =
      agree(spec.bidirectional, facts.bidirectional, "bidirectional", args.weights);
  options.batch_first = spec.batch_first.value_or(false);

  nn::RecurrentLayer layer(type, options);
  try {
    layer.load_state_dict(params);
  } catch (const Error& e) {
    throw ValueError(args.weights + ": " + e.what());
  }
  layer.eval();
  NoGradGuard no_grad;

  const Tensor input = io::read_npy(args.input);
  if (input.dim() != 3) {
    throw ShapeError(args.input + ": expected the input " +
                     std::string(options.batch_first ? "[B, T, I]" : "[T, B, I]") + ", got " +
                     shape_str(input.shape()));
  }
  const Tensor h0 = read_optional_npy(args.h0);
  const Tensor c0 = read_optional_npy(args.c0);
  if (c0.defined() && !nn::has_cell_state(type)) {
    throw ValueError("--c0 is only for an LSTM, and the layer is a " + nn::cell_flag_name(type));
  }

  nn::RecurrentOutput result;
  try {
    result = run_layer(layer, args, input, h0, c0);
  } catch (const ShapeError& e) {
    // The layer names the tensor ("LSTM input", "GRU h0"); add which files they came from.
    throw ShapeError(std::string(e.what()) + " (--input " + args.input +
                     (args.h0.empty() ? "" : ", --h0 " + args.h0) +
                     (args.c0.empty() ? "" : ", --c0 " + args.c0) + ")");
  }

  const std::filesystem::path dir(args.out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError(args.out + ": cannot create the output folder (" + ec.message() + ")");
  write_result(dir, "output.npy", result.output);
  write_result(dir, "h_n.npy", result.h_n);
  if (result.c_n.defined()) write_result(dir, "c_n.npy", result.c_n);
}

// Binds a flag to an optional: set only when the flag is given.
template <class T>
CLI::Option* optional_option(CLI::App& cmd, const std::string& names, std::optional<T>& into,
                             const std::string& help) {
  return cmd.add_option_function<T>(
      names, [target = &into](const T& v) { *target = v; }, help);
}

}  // namespace
}  // namespace recur::cli

void add_run_command(CLI::App& app) {
  using namespace recur::cli;
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Apply an RNN/LSTM/GRU with weights from a safetensors file to an .npy input");
  cmd->add_option("--weights,-w", args->weights, "safetensors file (PyTorch parameter names)")
      ->required();
  cmd->add_option("--prefix", args->prefix,
                  "name prefix of the layer's tensors, e.g. lstm for lstm.weight_ih_l0");
  cmd->add_option("--input,-i", args->input, "input .npy, [T, B, I] ([B, T, I] with --batch-first)")
      ->required();
  cmd->add_option("--out,-o", args->out, "folder for output.npy, h_n.npy (and c_n.npy)")
      ->required();
  cmd->add_option("--lengths", args->lengths, "integer .npy [B]: run as a packed batch");
  cmd->add_option("--h0", args->h0, "initial hidden state .npy [layers*dirs, B, H_out]");
  cmd->add_option("--c0", args->c0, "initial cell state .npy [layers*dirs, B, H] (LSTM)");
  cmd->add_option("--config", args->config,
                  "JSON file of layer options (cell, input_size, hidden_size, num_layers, "
                  "proj_size, bias, bidirectional, batch_first); flags override it");
  LayerSpec& f = args->flags;
  optional_option(*cmd, "--cell", f.cell,
                  "lstm | gru | rnn_tanh | rnn_relu (default: from the weights' gate count)")
      ->check(CLI::IsMember(recur::nn::cell_names()));
  optional_option(*cmd, "--input-size", f.input_size, "checked against the weights")
      ->check(whole_number(1, 65536));
  optional_option(*cmd, "--hidden-size", f.hidden_size, "checked against the weights")
      ->check(whole_number(1, 65536));
  optional_option(*cmd, "--num-layers", f.num_layers, "checked against the weights")
      ->check(whole_number(1, 65536));
  optional_option(*cmd, "--proj-size", f.proj_size, "LSTM projection size, checked")
      ->check(whole_number(0, 65536));
  cmd->add_flag_callback(
      "--bidirectional", [args] { args->flags.bidirectional = true; },
      "checked against the weights");
  cmd->add_flag_callback(
      "--batch-first", [args] { args->flags.batch_first = true; },
      "input and output are [B, T, *]");
  cmd->add_flag_callback(
      "--no-bias", [args] { args->flags.bias = false; }, "checked against the weights");
  cmd->callback([args] { run_reporting_errors("run", [&] { run(*args); }); });
}
