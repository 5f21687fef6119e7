// Trainer: the training loop every recur program reuses. Per epoch it runs seeded shuffled
// mini-batches (forward, loss, backward, optional gradient clipping, optimizer step), then the
// validation loss; it steps the learning-rate schedule, keeps the best weights, stops early
// after `patience` epochs without improvement (restoring the best weights), writes per-epoch
// metrics to CSV/JSON and a checkpoint (atomically: a crash never leaves a half-written file),
// and resumes from that checkpoint exactly where it stopped. A loss or gradient that turns
// NaN/Inf stops the run with a TrainingError saying where.
//
// Data-parallel: when its communicator has several ranks (`mpirun -np N`, docs/DISTRIBUTED.md),
// every rank takes the same global batches, trains on its shard of each and all-reduces the
// gradients before clipping and the step (train/data_parallel.h); losses are reduced, so every
// rank sees the same numbers and stops at the same epoch; only rank 0 prints, writes metrics and
// checkpoints, and a resumed run reads rank 0's checkpoint on every rank.
//
//   train::Trainer trainer(*model, optimizer,
//       [&](const train::Batch& b) { return mse_loss(model->forward(b.inputs), b.targets); },
//       {.epochs = 100, .patience = 10, .clip_grad_norm = 1.0, .checkpoint_path =
//       "ckpt.safetensors"});
//   train::History h = trainer.fit(train_loader, &val_loader);
#pragma once

#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "recur/nn/module.h"
#include "recur/optim/lr_scheduler.h"
#include "recur/optim/optimizer.h"
#include "recur/optim/reduce_lr_on_plateau.h"
#include "recur/train/communicator.h"
#include "recur/train/data_loader.h"
#include "recur/train/progress.h"

namespace recur::train {

// Training cannot go on (non-finite loss or gradients, an unusable checkpoint).
class TrainingError : public Error {
 public:
  using Error::Error;
};

struct TrainerOptions {
  int64_t epochs = 10;
  int64_t patience = 0;          // epochs without improvement before stopping; 0: never stop
  double min_delta = 0.0;        // an improvement must beat the best by more than this
  double clip_grad_norm = 0.0;   // max total L2 norm of the gradients; 0: no clipping
  double clip_grad_value = 0.0;  // max |gradient element|; 0: no clipping
  std::string checkpoint_path;   // written after every epoch when set
  bool resume = false;           // continue from checkpoint_path when it exists
  std::string metrics_csv;       // per-epoch metrics, rewritten after every epoch
  std::string metrics_json;
  ProgressStyle progress = ProgressStyle::Auto;
  std::ostream* progress_stream = &std::cerr;
  // The generator the model draws from while training (dropout). Saved in checkpoints so a
  // resumed run draws the same numbers.
  Generator* generator = nullptr;
  // What makes this run this run, as named values (e.g. {"data": "<hash of the rows>",
  // "training.lr": "0.001"}): saved in every checkpoint, and resuming from a checkpoint whose
  // values differ is a TrainingError naming each one that changed, so a resumed run can never
  // silently continue on other data or settings.
  std::map<std::string, std::string> run_identity;
  // Called with the epoch number (from 1) before its first batch, also for the first epoch of
  // a resumed run: for settings that change by epoch while the loss function stays the same
  // (seq2seq's teacher-forcing ratio). A setting that must survive --resume should be a function
  // of the epoch alone.
  std::function<void(int64_t epoch)> on_epoch_begin;
  // The ranks that train this model together; nullptr: train::world() (one process unless the
  // program started an MPI session).
  Communicator* communicator = nullptr;
};

struct History {
  std::vector<EpochRecord> epochs;
  int64_t best_epoch = 0;  // 1-based; 0 when no epoch ran
  double best_loss = 0.0;  // validation loss at best_epoch (training loss without validation)
  std::string stop_reason;
};

// Returns the scalar loss of one batch (the model is captured by the function).
using LossFunction = std::function<Tensor(const Batch&)>;

class Trainer {
 public:
  Trainer(nn::Module& model, optim::Optimizer& optimizer, LossFunction loss,
          TrainerOptions options);

  // Stepped once after every epoch.
  void set_scheduler(optim::LRScheduler* scheduler) { scheduler_ = scheduler; }
  // Stepped once after every epoch with the monitored loss.
  void set_plateau_scheduler(optim::ReduceLROnPlateau* scheduler) { plateau_ = scheduler; }

  // Trains until options.epochs or early stopping; the model ends with the best weights.
  History fit(const BatchSource& train, const BatchSource* validation = nullptr);

  // Mean loss over the loader's samples in eval mode without gradients.
  double evaluate(const BatchSource& loader);

 private:
  double train_epoch(const BatchSource& loader, int64_t epoch, double& mean_grad_norm);
  void save_checkpoint(const History& history, const TensorMap& best, int64_t bad_epochs) const;
  bool load_checkpoint(History& history, TensorMap& best, int64_t& bad_epochs);
  void check_run_identity(const std::map<std::string, std::string>& metadata) const;
  void write_metrics(const History& history) const;
  void share_checkpoint_file();
  bool is_root() const { return comm_.rank() == 0; }

  nn::Module& model_;
  optim::Optimizer& optimizer_;
  LossFunction loss_;
  TrainerOptions options_;
  Communicator& comm_;
  optim::LRScheduler* scheduler_ = nullptr;
  optim::ReduceLROnPlateau* plateau_ = nullptr;
  Progress progress_;
};

}  // namespace recur::train
