#include "recur/nn/module.h"

#include <cmath>
#include <set>

#include "recur/io/safetensors.h"

namespace recur::nn {

namespace {

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// "\"a\", \"b\"" as in PyTorch's load_state_dict message.
std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += "\"" + name + "\"";
  }
  return out;
}

// Visits the tensors of one kind (parameters or buffers) of `module` and its descendants,
// depth first, with dotted names.
template <class GetOwn, class Visit>
void visit_tensors(const Module& module, const std::string& prefix, bool recurse, const GetOwn& own,
                   const Visit& visit) {
  for (const auto& [name, tensor] : own(module)) visit(join(prefix, name), tensor);
  if (!recurse) return;
  for (const auto& [name, child] : module.named_children()) {
    visit_tensors(*child, join(prefix, name), recurse, own, visit);
  }
}

}  // namespace

void Module::check_new_name(const std::string& name, const char* what) const {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw ValueError(type_name() + ": " + what + " name \"" + name +
                     "\" must be non-empty and contain no '.'");
  }
  auto taken = [&](const auto& entries) {
    for (const auto& entry : entries) {
      if (entry.first == name) return true;
    }
    return false;
  };
  if (taken(parameters_) || taken(buffers_) || taken(children_)) {
    throw ValueError(type_name() + ": " + what + " name \"" + name + "\" is already registered");
  }
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor) {
  check_new_name(name, "parameter");
  if (!tensor.defined()) {
    throw ValueError(type_name() + ": parameter \"" + name + "\" is an undefined tensor");
  }
  tensor.set_requires_grad(true);
  parameters_.emplace_back(name, tensor);
  return tensor;
}

Tensor Module::register_buffer(const std::string& name, Tensor tensor) {
  check_new_name(name, "buffer");
  if (!tensor.defined()) {
    throw ValueError(type_name() + ": buffer \"" + name + "\" is an undefined tensor");
  }
  buffers_.emplace_back(name, tensor);
  return tensor;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name, "submodule");
  if (!module) throw ValueError(type_name() + ": submodule \"" + name + "\" is null");
  children_.emplace_back(name, std::move(module));
}

std::vector<Module::NamedTensor> Module::named_parameters(bool recurse) const {
  std::vector<NamedTensor> out;
  std::set<const TensorImpl*> seen;  // tied weights are listed once, as in PyTorch
  visit_tensors(
      *this, "", recurse, [](const Module& m) -> const auto& { return m.parameters_; },
      [&](const std::string& name, const Tensor& t) {
        if (seen.insert(&t.impl()).second) out.emplace_back(name, t);
      });
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, tensor] : named_parameters(recurse)) out.push_back(tensor);
  return out;
}

std::vector<Module::NamedTensor> Module::named_buffers(bool recurse) const {
  std::vector<NamedTensor> out;
  visit_tensors(
      *this, "", recurse, [](const Module& m) -> const auto& { return m.buffers_; },
      [&](const std::string& name, const Tensor& t) { out.emplace_back(name, t); });
  return out;
}

std::vector<Module::NamedModule> Module::named_children() const { return children_; }

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (const auto& [name, child] : children_) out.push_back(child);
  return out;
}

Tensor Module::tensor(const std::string& dotted_name) const {
  TensorMap state;
  collect_state("", state);
  auto it = state.find(dotted_name);
  if (it == state.end()) {
    throw ValueError(type_name() + " has no parameter or buffer named \"" + dotted_name + "\"");
  }
  return it->second;
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (auto& p : parameters()) p.zero_grad();
}

// Keeps the module's own handles (not detached) so load_state_dict can copy into them.
void Module::collect_state(const std::string& prefix, TensorMap& out) const {
  for (const auto& [name, t] : parameters_) out.emplace(join(prefix, name), t);
  for (const auto& [name, t] : buffers_) out.emplace(join(prefix, name), t);
  for (const auto& [name, child] : children_) child->collect_state(join(prefix, name), out);
}

TensorMap Module::state_dict() const {
  TensorMap state;
  collect_state("", state);
  for (auto& [name, t] : state) t = t.detach();
  return state;
}

LoadResult Module::load_state_dict(const TensorMap& state, bool strict) {
  TensorMap own;
  collect_state("", own);

  LoadResult result;
  std::vector<std::string> mismatches;
  for (const auto& [name, target] : own) {
    auto it = state.find(name);
    if (it == state.end()) {
      result.missing_keys.push_back(name);
    } else if (!it->second.defined() || it->second.shape() != target.shape()) {
      const std::string given = it->second.defined() ? shape_str(it->second.shape()) : "undefined";
      mismatches.push_back("size mismatch for " + name + ": copying a param with shape " + given +
                           " from checkpoint, the shape in current model is " +
                           shape_str(target.shape()) + ".");
    }
  }
  for (const auto& [name, t] : state) {
    if (!own.contains(name)) result.unexpected_keys.push_back(name);
  }

  std::vector<std::string> errors;
  if (strict && !result.missing_keys.empty()) {
    errors.push_back("Missing key(s) in state_dict: " + quoted_list(result.missing_keys) + ".");
  }
  if (strict && !result.unexpected_keys.empty()) {
    errors.push_back("Unexpected key(s) in state_dict: " + quoted_list(result.unexpected_keys) +
                     ".");
  }
  errors.insert(errors.end(), mismatches.begin(), mismatches.end());
  if (!errors.empty()) {
    std::string message = "Error(s) in loading state_dict for " + type_name() + ":";
    for (const auto& e : errors) message += "\n\t" + e;
    throw ValueError(message);
  }

  for (auto& [name, target] : own) {
    auto it = state.find(name);
    if (it != state.end()) target.copy_(it->second);
  }
  return result;
}

void save(const Module& module, const std::string& path) {
  io::save_safetensors(path, module.state_dict());
}

void check_finite_parameters(const Module& module, const std::string& source) {
  for (const auto& [name, tensor] : module.named_parameters()) {
    const float* v = tensor.data();
    for (int64_t i = 0; i < tensor.numel(); ++i) {
      if (!std::isfinite(v[i])) {
        throw ValueError(source + ": tensor '" + name + "' holds a non-finite value (" +
                         std::to_string(v[i]) + " at element " + std::to_string(i) + ")");
      }
    }
  }
}

LoadResult load(Module& module, const std::string& path, bool strict) {
  TensorMap state = io::load_safetensors(path);
  try {
    return module.load_state_dict(state, strict);
  } catch (const ValueError& e) {
    throw ValueError(path + ": " + e.what());
  }
}

}  // namespace recur::nn
