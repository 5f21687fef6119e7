// Module: the base of every layer. A module owns named parameters (leaf tensors that require
// grad), optional named buffers (state that is saved but not trained) and named child modules.
// Names compose with dots exactly as in PyTorch ("fc.weight", "lstm.weight_ih_l0",
// "layers.0.weight"), so a state_dict saved from PyTorch as safetensors loads here unchanged.
//
//   class Net : public nn::Module {
//    public:
//     explicit Net(Generator& gen) {
//       fc = register_module("fc", std::make_shared<nn::Linear>(4, 2, true, gen));
//       scale = register_parameter("scale", Tensor::ones({2}));
//     }
//     std::shared_ptr<nn::Linear> fc;
//     Tensor scale;
//   };
//
// Modules are held by std::shared_ptr and are not copyable: a module's parameters alias the
// tensors it registered, and a copy would silently share or split them.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "recur/tensor/tensor_map.h"

namespace recur::nn {

// What a non-strict load_state_dict could not match, as PyTorch's _IncompatibleKeys.
struct LoadResult {
  std::vector<std::string> missing_keys;     // in the module, absent from the state_dict
  std::vector<std::string> unexpected_keys;  // in the state_dict, absent from the module
};

class Module {
 public:
  using NamedTensor = std::pair<std::string, Tensor>;
  using NamedModule = std::pair<std::string, std::shared_ptr<Module>>;

  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The class name used in messages ("Linear", "LSTM").
  virtual std::string type_name() const { return "Module"; }

  // --- Registration ------------------------------------------------------------------------
  // Registers a leaf tensor as a trainable parameter (sets requires_grad) and returns it; the
  // returned handle aliases the registered one. Names must be non-empty, contain no '.', and be
  // unique among this module's parameters, buffers and children (ValueError otherwise).
  Tensor register_parameter(const std::string& name, Tensor tensor);
  // Registers state that is saved in state_dict but not trained (no requires_grad).
  Tensor register_buffer(const std::string& name, Tensor tensor);
  // Registers a child module and returns it (typed), so constructors can write
  //   fc = register_module("fc", std::make_shared<Linear>(...));
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module, M>, "register_module needs a recur::nn::Module");
    add_child(name, module);
    return module;
  }

  // --- Introspection -----------------------------------------------------------------------
  // Own parameters first (registration order), then each child's, depth first, with dotted
  // names. A tensor registered twice (tied weights) is listed once, under its first name.
  std::vector<NamedTensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> parameters(bool recurse = true) const;
  std::vector<NamedTensor> named_buffers(bool recurse = true) const;
  std::vector<NamedModule> named_children() const;
  std::vector<std::shared_ptr<Module>> children() const;
  // Parameter or buffer by dotted name ("fc.weight"); ValueError naming it if absent.
  Tensor tensor(const std::string& dotted_name) const;
  // Total number of parameter elements.
  int64_t num_parameters() const;

  // --- Mode --------------------------------------------------------------------------------
  // Sets training mode here and in every descendant (dropout is active only in training).
  virtual void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)).
  void zero_grad();

  // --- State -------------------------------------------------------------------------------
  // Every parameter and buffer by dotted name. The tensors share storage with the module's
  // (detached: writing into them changes the module without recording autograd history).
  TensorMap state_dict() const;
  // Copies values into the module's parameters and buffers. Throws ValueError listing every
  // missing key, unexpected key and size mismatch (with both shapes) when strict; nothing is
  // copied if it throws. When not strict, loads every key that matches and returns the missing
  // and unexpected ones; a size mismatch is still an error, as in PyTorch.
  LoadResult load_state_dict(const TensorMap& state, bool strict = true);

 private:
  void check_new_name(const std::string& name, const char* what) const;
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void collect_state(const std::string& prefix, TensorMap& out) const;

  std::vector<NamedTensor> parameters_;
  std::vector<NamedTensor> buffers_;
  std::vector<NamedModule> children_;
  bool training_ = true;
};

// Writes module.state_dict() to a safetensors file (readable by PyTorch via safetensors).
void save(const Module& module, const std::string& path);
// Reads a safetensors file into the module (see load_state_dict); errors name the file.
LoadResult load(Module& module, const std::string& path, bool strict = true);
// ValueError "<source>: tensor '<name>' holds a non-finite value (<v> at element <i>)" unless every
// parameter is finite: what a model loaded for prediction must be, or it forecasts NaN.
void check_finite_parameters(const Module& module, const std::string& source);

}  // namespace recur::nn
