// The training flags of the token jobs (`recur classify train`, `recur tag train`): one place for
// their names, help and range checks, bound to the shared "training" block of their configs.
// Defaults are those of the struct passed in, shown in --help.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "number_flags.h"
#include "recur/apps/classify/classify_config.h"

namespace recur::cli {

// `items` names what a batch and the splits count, e.g. "texts" or "sentences".
inline void add_training_flags(CLI::App& cmd, classify::ClassifyTraining& t,
                               const std::string& items) {
  const classify::ClassifyLimits& L = classify::kClassifyLimits;
  auto whole = [](classify::WholeRange r) { return whole_number(r.min, r.max); };
  cmd.add_option("--epochs", t.epochs, "maximum epochs")
      ->check(whole(L.epochs))
      ->capture_default_str();
  cmd.add_option("--batch-size", t.batch_size, items + " per mini-batch")
      ->check(whole(L.batch_size))
      ->capture_default_str();
  cmd.add_option("--lr", t.lr, "Adam learning rate")
      ->check(real_number(0.0, L.max_lr, Bounds::kOpenMin))
      ->capture_default_str();
  cmd.add_option("--patience", t.patience, "early-stopping patience in epochs")
      ->check(whole(L.epochs))
      ->capture_default_str();
  cmd.add_option("--clip-grad-norm", t.clip_grad_norm, "gradient-norm clipping, 0 = off")
      ->check(real_number(0.0))
      ->capture_default_str();
  cmd.add_option("--seed", t.seed, "random seed: same seed, same result")
      ->check(whole_number(0))
      ->capture_default_str();
  cmd.add_option("--val-fraction", t.val_fraction, "validation share of the " + items)
      ->check(real_number(0.0, 1.0, Bounds::kOpen))
      ->capture_default_str();
  cmd.add_option("--test-fraction", t.test_fraction, "test share of the " + items)
      ->check(real_number(0.0, 1.0, Bounds::kOpen))
      ->capture_default_str();
}

}  // namespace recur::cli
