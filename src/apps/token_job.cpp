#include "token_job.h"

namespace recur::apps {

ItemSplit shuffled_split(size_t n, const classify::ClassifyTraining& t, const std::string& source,
                         const std::string& items) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Generator gen(t.seed);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[gen.below(i)]);
  const size_t n_val = static_cast<size_t>(std::lround(t.val_fraction * static_cast<double>(n)));
  const size_t n_test = static_cast<size_t>(std::lround(t.test_fraction * static_cast<double>(n)));
  if (n_val < 1 || n_test < 1 || n_val + n_test >= n) {
    throw ValueError(source + ": " + std::to_string(n) + " " + items +
                     " are too few to give training, validation and test " + items + " each");
  }
  const auto at = [&](size_t k) { return order.begin() + static_cast<std::ptrdiff_t>(k); };
  return {.train = {at(n_val + n_test), order.end()},
          .validation = {order.begin(), at(n_val)},
          .test = {at(n_val), at(n_val + n_test)}};
}

train::TrainerOptions trainer_options(const classify::ClassifyTraining& t,
                                      const io::StagedRunFolder& run, bool resume,
                                      train::ProgressStyle progress, Generator& gen,
                                      std::map<std::string, std::string> run_identity) {
  return {.epochs = t.epochs,
          .patience = t.patience,
          .clip_grad_norm = t.clip_grad_norm,
          .checkpoint_path = run.file("checkpoint.safetensors"),
          .resume = resume,
          .metrics_csv = run.file("training.csv"),
          .progress = progress,
          .generator = &gen,
          .run_identity = std::move(run_identity)};
}

}  // namespace recur::apps
