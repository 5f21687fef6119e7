// Optimizer: the base of SGD, Adam, AdamW and RMSprop. It holds parameter groups (each with its
// own learning rate and weight decay), per-parameter state (moment buffers and a step count,
// created lazily on the first step as in PyTorch), and turns that state into a checkpoint
// (tensors plus scalars) from which a run resumes bit-for-bit.
//
//   optim::SGD opt(model->parameters(), {.lr = 0.1, .momentum = 0.9});
//   for (...) {
//     opt.zero_grad();
//     loss(model, batch).backward();
//     opt.step();
//   }
//
// Parameters without a gradient are skipped by step(), as in PyTorch. Updates are computed per
// element in double precision and stored as float32.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "recur/tensor/tensor_map.h"

namespace recur::optim {

// Parameters sharing hyperparameters; unset ones take the optimizer's.
struct ParamGroup {
  std::vector<Tensor> params;
  std::optional<double> lr;
  std::optional<double> weight_decay;
};

// A checkpoint of an optimizer. Keys, with i the parameter's index across all groups and g the
// group's index: tensors "state.<i>.<buffer>" (e.g. "state.0.exp_avg"); scalars "state.<i>.step",
// "param_groups.<g>.lr", "param_groups.<g>.weight_decay".
struct OptimizerState {
  TensorMap tensors;
  std::map<std::string, double> scalars;
};

class Optimizer {
 public:
  struct Group {
    std::vector<Tensor> params;
    double lr;
    double weight_decay;
  };

  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  virtual std::string type_name() const = 0;

  // One update of every parameter that has a gradient.
  void step();
  // Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)).
  void zero_grad();

  // The first group's learning rate, and setting it in every group.
  double lr() const { return groups_.front().lr; }
  void set_lr(double lr);
  // Groups' lr and weight_decay may be changed (schedulers do); their parameter lists may not.
  std::vector<Group>& param_groups() { return groups_; }
  const std::vector<Group>& param_groups() const { return groups_; }

  // Copies of the state (tensors are cloned, so later steps do not change a saved checkpoint).
  OptimizerState state_dict() const;
  // Restores state and group hyperparameters. Throws ValueError (changing nothing) when a key
  // is unknown, names a parameter or group that does not exist, or a buffer has the wrong shape.
  void load_state_dict(const OptimizerState& state);

 protected:
  struct ParamState {
    int64_t step = 0;
    TensorMap buffers;
  };

  Optimizer(std::vector<ParamGroup> groups, double lr, double weight_decay);
  // Applies one update to `param` given its gradient; called by step() for each parameter
  // with a gradient, after incrementing state.step.
  virtual void update(const Group& group, Tensor& param, const Tensor& grad, ParamState& state) = 0;
  // The named buffer of `state`, created as zeros shaped like `param` on first use.
  static Tensor& buffer(ParamState& state, const std::string& name, const Tensor& param);
  // Throws ValueError unless value >= 0 (or in [0, 1) when below_one), naming the option.
  void check_hyper(const char* name, double value, bool below_one = false) const;

 private:
  void check_groups_unchanged() const;

  std::vector<Group> groups_;
  std::vector<ParamState> states_;  // one per parameter, in group order
};

// Writes an optimizer checkpoint to a safetensors file (scalars go in the metadata, printed
// with 17 significant digits so they read back exactly) and reads it back.
void save(const OptimizerState& state, const std::string& path);
OptimizerState load(const std::string& path);

}  // namespace recur::optim
