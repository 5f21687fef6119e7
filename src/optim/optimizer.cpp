#include "recur/optim/optimizer.h"

#include <cstdio>
#include <set>

#include "recur/io/safetensors.h"

namespace recur::optim {

namespace {

std::string state_key(size_t index, const std::string& what) {
  return "state." + std::to_string(index) + "." + what;
}

std::string group_key(size_t index, const std::string& what) {
  return "param_groups." + std::to_string(index) + "." + what;
}

// Splits "state.<i>.<rest>" / "param_groups.<i>.<rest>" into (i, rest); nullopt otherwise.
std::optional<std::pair<size_t, std::string>> parse_key(const std::string& key,
                                                        const std::string& prefix) {
  if (!key.starts_with(prefix + ".")) return std::nullopt;
  const size_t begin = prefix.size() + 1;
  const size_t dot = key.find('.', begin);
  if (dot == std::string::npos || dot == begin || dot + 1 == key.size()) return std::nullopt;
  size_t index = 0;
  for (size_t i = begin; i < dot; ++i) {
    if (key[i] < '0' || key[i] > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(key[i] - '0');
  }
  return std::make_pair(index, key.substr(dot + 1));
}

}  // namespace

Optimizer::Optimizer(std::vector<ParamGroup> groups, double lr, double weight_decay) {
  if (groups.empty()) throw ValueError("optimizer got an empty list of parameter groups");
  std::set<const TensorImpl*> seen;
  for (size_t g = 0; g < groups.size(); ++g) {
    auto& group = groups[g];
    if (group.params.empty()) {
      throw ValueError("optimizer parameter group " + std::to_string(g) + " is empty");
    }
    for (const Tensor& p : group.params) {
      if (!p.defined()) throw ValueError("optimizer got an undefined parameter tensor");
      if (!p.is_leaf()) throw ValueError("optimizer can't optimize a non-leaf tensor");
      if (!seen.insert(&p.impl()).second) {
        throw ValueError("some parameters appear in more than one parameter group");
      }
    }
    groups_.push_back({std::move(group.params), group.lr.value_or(lr),
                       group.weight_decay.value_or(weight_decay)});
  }
  states_.resize(seen.size());
}

void Optimizer::check_hyper(const char* name, double value, bool below_one) const {
  if (!(value >= 0.0) || (below_one && !(value < 1.0))) {
    throw ValueError(type_name() + ": invalid " + name + " " + std::to_string(value) +
                     (below_one ? ", expected a value in [0, 1)" : ", expected >= 0"));
  }
}

void Optimizer::check_groups_unchanged() const {
  size_t count = 0;
  for (const Group& group : groups_) count += group.params.size();
  if (count != states_.size()) {
    throw ValueError(type_name() + ": parameter groups hold " + std::to_string(count) +
                     " tensors but the optimizer was built with " + std::to_string(states_.size()) +
                     "; build a new optimizer instead");
  }
}

void Optimizer::step() {
  check_groups_unchanged();
  size_t index = 0;
  for (const Group& group : groups_) {
    for (Tensor param : group.params) {
      ParamState& state = states_[index++];
      const Tensor grad = param.grad();
      if (!grad.defined()) continue;
      ++state.step;
      update(group, param, grad, state);
    }
  }
}

void Optimizer::zero_grad() {
  for (auto& group : groups_) {
    for (auto& p : group.params) p.zero_grad();
  }
}

void Optimizer::set_lr(double lr) {
  for (auto& group : groups_) group.lr = lr;
}

Tensor& Optimizer::buffer(ParamState& state, const std::string& name, const Tensor& param) {
  auto it = state.buffers.find(name);
  if (it == state.buffers.end())
    it = state.buffers.emplace(name, Tensor::zeros(param.shape())).first;
  return it->second;
}

OptimizerState Optimizer::state_dict() const {
  OptimizerState out;
  check_groups_unchanged();
  for (size_t g = 0; g < groups_.size(); ++g) {
    out.scalars[group_key(g, "lr")] = groups_[g].lr;
    out.scalars[group_key(g, "weight_decay")] = groups_[g].weight_decay;
  }
  for (size_t i = 0; i < states_.size(); ++i) {
    const ParamState& s = states_[i];
    if (s.step == 0) continue;  // never stepped: no state yet, as in PyTorch
    out.scalars[state_key(i, "step")] = static_cast<double>(s.step);
    for (const auto& [name, t] : s.buffers) out.tensors[state_key(i, name)] = t.clone();
  }
  return out;
}

void Optimizer::load_state_dict(const OptimizerState& state) {
  check_groups_unchanged();
  std::vector<const Tensor*> params;
  for (const auto& group : groups_) {
    for (const auto& p : group.params) params.push_back(&p);
  }
  auto fail = [&](const std::string& what) {
    throw ValueError(type_name() + ": cannot load state_dict: " + what);
  };

  std::vector<ParamState> states(states_.size());
  std::vector<Group> groups = groups_;
  for (const auto& [key, value] : state.scalars) {
    if (auto s = parse_key(key, "state"); s && s->second == "step") {
      if (s->first >= states.size()) fail("\"" + key + "\" names a parameter that does not exist");
      states[s->first].step = static_cast<int64_t>(value);
    } else if (auto g = parse_key(key, "param_groups"); g && g->first < groups.size()) {
      if (g->second == "lr") {
        groups[g->first].lr = value;
      } else if (g->second == "weight_decay") {
        groups[g->first].weight_decay = value;
      } else {
        fail("unexpected key \"" + key + "\"");
      }
    } else {
      fail("unexpected key \"" + key + "\"");
    }
  }
  for (const auto& [key, tensor] : state.tensors) {
    auto s = parse_key(key, "state");
    if (!s) fail("unexpected key \"" + key + "\"");
    if (s->first >= states.size()) fail("\"" + key + "\" names a parameter that does not exist");
    const Shape& want = params[s->first]->shape();
    if (!tensor.defined() || tensor.shape() != want) {
      fail("\"" + key + "\" has shape " +
           (tensor.defined() ? shape_str(tensor.shape()) : std::string("undefined")) +
           ", the parameter has shape " + shape_str(want));
    }
    states[s->first].buffers[s->second] = tensor.clone();
  }
  states_ = std::move(states);
  groups_ = std::move(groups);
}

void save(const OptimizerState& state, const std::string& path) {
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : state.scalars) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    metadata[key] = text;
  }
  io::save_safetensors(path, state.tensors, metadata);
}

OptimizerState load(const std::string& path) {
  io::SafetensorsFile file = io::read_safetensors(path);
  OptimizerState state{std::move(file.tensors), {}};
  for (const auto& [key, text] : file.metadata) {
    size_t used = 0;
    double value = 0.0;
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size()) {
      throw IoError(path + ": optimizer scalar \"" + key + "\" is not a number: \"" + text + "\"");
    }
    state.scalars[key] = value;
  }
  return state;
}

}  // namespace recur::optim
