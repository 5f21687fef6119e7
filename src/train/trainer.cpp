#include "recur/train/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "recur/autograd/grad_mode.h"
#include "recur/io/atomic_file.h"
#include "recur/io/json_fields.h"
#include "recur/io/safetensors.h"
#include "recur/optim/clip_grad.h"
#include "recur/train/data_parallel.h"

namespace recur::train {

namespace {

using json = nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TensorMap clone_all(const TensorMap& tensors) {
  TensorMap out;
  for (const auto& [name, t] : tensors) out[name] = t.clone();
  return out;
}

// Adds `prefix` to every name of `from` and stores the tensors into `to`.
void put_prefixed(TensorMap& to, const std::string& prefix, const TensorMap& from) {
  for (const auto& [name, t] : from) to[prefix + name] = t;
}

TensorMap take_prefixed(const TensorMap& from, const std::string& prefix) {
  TensorMap out;
  for (const auto& [name, t] : from) {
    if (name.rfind(prefix, 0) == 0) out[name.substr(prefix.size())] = t;
  }
  return out;
}

json to_json(const EpochRecord& r) {
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  return {
      {"epoch", r.epoch}, {"train_loss", number(r.train_loss)}, {"val_loss", number(r.val_loss)},
      {"lr", r.lr},       {"grad_norm", number(r.grad_norm)},   {"seconds", r.seconds}};
}

EpochRecord record_from_json(const json& j) {
  auto number = [](const json& v) { return v.is_null() ? kNaN : v.get<double>(); };
  return {j.at("epoch").get<int64_t>(), number(j.at("train_loss")), number(j.at("val_loss")),
          j.at("lr").get<double>(),     number(j.at("grad_norm")),  j.at("seconds").get<double>()};
}

std::string format_number(double v) {
  if (std::isnan(v)) return "";
  std::ostringstream s;
  s.precision(9);
  s << v;
  return s.str();
}

}  // namespace

Trainer::Trainer(nn::Module& model, optim::Optimizer& optimizer, LossFunction loss,
                 TrainerOptions options)
    : model_(model),
      optimizer_(optimizer),
      loss_(std::move(loss)),
      options_(std::move(options)),
      comm_(options_.communicator != nullptr ? *options_.communicator : world()),
      progress_(*options_.progress_stream,
                comm_.rank() == 0 ? options_.progress : ProgressStyle::Quiet) {
  if (options_.epochs < 0 || options_.patience < 0 || options_.clip_grad_norm < 0 ||
      options_.clip_grad_value < 0) {
    throw ValueError("Trainer: epochs, patience and clipping limits must not be negative");
  }
  if (options_.resume && options_.checkpoint_path.empty()) {
    throw ValueError("Trainer: resume needs a checkpoint_path");
  }
}

double Trainer::train_epoch(const BatchSource& loader, int64_t epoch, double& mean_grad_norm) {
  model_.train();
  const std::vector<Tensor> params = model_.parameters();
  double loss_sum = 0.0, norm_sum = 0.0;
  int64_t seen = 0, steps = 0;
  for (const Batch& global : loader.epoch(epoch)) {
    optimizer_.zero_grad();
    // This rank's rows, weighted by their share of the global batch's loss terms: the weighted
    // sum of the ranks' gradients is then the gradient of the global batch's mean loss.
    const Batch mine = shard_batch(global, comm_.rank(), comm_.size());
    const int64_t n = global.loss_weight();
    const double share =
        static_cast<double>(mine.size() > 0 ? mine.loss_weight() : 0) / static_cast<double>(n);
    double value = 0.0;
    if (mine.size() > 0) {
      Tensor loss = loss_(mine);
      value = loss.item();
      if (std::isfinite(value)) loss.backward();
    }
    value = all_reduce_gradients(comm_, params, share, value);
    auto where = [&] {
      return "epoch " + std::to_string(epoch) + ", batch " + std::to_string(steps + 1) + "/" +
             std::to_string(loader.num_batches());
    };
    if (!std::isfinite(value)) {
      throw TrainingError(where() + ": the loss is " + std::to_string(value) +
                          "; training stopped. Lower the learning rate, clip gradients "
                          "(--clip-grad-norm) or check the data for extreme values.");
    }
    // The norm is computed either way: it is logged, and it catches non-finite gradients.
    const double max_norm = options_.clip_grad_norm > 0 ? options_.clip_grad_norm : optim::kInfNorm;
    const double norm = optim::clip_grad_norm_(params, max_norm);
    if (!std::isfinite(norm)) {
      throw TrainingError(where() + ": the gradient norm is " + std::to_string(norm) +
                          "; training stopped. Lower the learning rate or clip gradients.");
    }
    if (options_.clip_grad_value > 0) optim::clip_grad_value_(params, options_.clip_grad_value);
    optimizer_.step();
    loss_sum += value * static_cast<double>(n);
    seen += n;
    norm_sum += norm;
    ++steps;
    progress_.batch_done(steps, loss_sum / static_cast<double>(seen));
  }
  mean_grad_norm = steps > 0 ? norm_sum / static_cast<double>(steps) : 0.0;
  return seen > 0 ? loss_sum / static_cast<double>(seen) : kNaN;
}

double Trainer::evaluate(const BatchSource& loader) {
  const bool was_training = model_.is_training();
  model_.eval();
  NoGradGuard no_grad;
  double loss_sum = 0.0;
  int64_t seen = 0;
  for (const Batch& global : loader.epoch(0)) {
    const Batch batch = shard_batch(global, comm_.rank(), comm_.size());
    if (batch.size() == 0) continue;
    const int64_t n = batch.loss_weight();
    loss_sum += loss_(batch).item() * static_cast<double>(n);
    seen += n;
  }
  model_.train(was_training);
  const std::vector<double> sums = all_reduce_sum(comm_, {loss_sum, static_cast<double>(seen)});
  return sums[1] > 0 ? sums[0] / sums[1] : kNaN;
}

History Trainer::fit(const BatchSource& train, const BatchSource* validation) {
  History history;
  TensorMap best;
  int64_t bad_epochs = 0;
  if (options_.resume) share_checkpoint_file();
  if (options_.resume && load_checkpoint(history, best, bad_epochs)) {
    progress_.message("resuming after epoch " + std::to_string(history.epochs.size()) + " from " +
                      options_.checkpoint_path);
  }
  // Ranks seeded alike already agree; this makes sure, whatever built their models.
  broadcast_tensors(comm_, model_.parameters());
  if (history.epochs.empty()) history.best_loss = std::numeric_limits<double>::infinity();
  const auto stopped_early = [&] {
    return options_.patience > 0 && bad_epochs >= options_.patience;
  };

  // A resumed run that had already stopped early trains nothing more: an uninterrupted run
  // with any epoch budget would have stopped there too.
  for (int64_t epoch = static_cast<int64_t>(history.epochs.size()) + 1;
       !stopped_early() && epoch <= options_.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    if (options_.on_epoch_begin) options_.on_epoch_begin(epoch);
    progress_.begin_epoch(epoch, options_.epochs, train.num_batches());
    EpochRecord record;
    record.epoch = epoch;
    record.lr = optimizer_.lr();
    record.train_loss = train_epoch(train, epoch, record.grad_norm);
    record.val_loss = validation != nullptr ? evaluate(*validation) : kNaN;
    if (validation != nullptr && !std::isfinite(record.val_loss)) {
      throw TrainingError("epoch " + std::to_string(epoch) + ": the validation loss is " +
                          std::to_string(record.val_loss) + "; training stopped.");
    }
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const double monitored = validation != nullptr ? record.val_loss : record.train_loss;
    const bool improved = monitored < history.best_loss - options_.min_delta;
    if (improved) {
      history.best_loss = monitored;
      history.best_epoch = epoch;
      best = clone_all(model_.state_dict());
      bad_epochs = 0;
    } else {
      ++bad_epochs;
    }
    history.epochs.push_back(record);
    progress_.end_epoch(record, improved);
    if (scheduler_ != nullptr) scheduler_->step();
    if (plateau_ != nullptr) plateau_->step(monitored);
    if (!options_.checkpoint_path.empty() && is_root()) save_checkpoint(history, best, bad_epochs);
    write_metrics(history);
  }
  history.stop_reason =
      stopped_early()
          ? "early stopping: no improvement for " + std::to_string(options_.patience) + " epochs"
          : "completed " + std::to_string(options_.epochs) + " epochs";
  if (!best.empty()) model_.load_state_dict(best);
  progress_.message(history.stop_reason + "; best epoch " + std::to_string(history.best_epoch) +
                    " (loss " + format_number(history.best_loss) + ")");
  write_metrics(history);
  return history;
}

// One safetensors file: "model.*" current weights, "best.*" best weights, "optimizer.*" the
// optimizer's tensors; everything else (epoch history, optimizer scalars, schedules, the
// generator) as JSON in the metadata.
void Trainer::save_checkpoint(const History& history, const TensorMap& best,
                              int64_t bad_epochs) const {
  TensorMap tensors;
  put_prefixed(tensors, "model.", model_.state_dict());
  put_prefixed(tensors, "best.", best);
  const optim::OptimizerState opt = optimizer_.state_dict();
  put_prefixed(tensors, "optimizer.", opt.tensors);

  json state;
  state["epochs"] = json::array();
  for (const EpochRecord& r : history.epochs) state["epochs"].push_back(to_json(r));
  state["best_epoch"] = history.best_epoch;
  state["best_loss"] = std::isfinite(history.best_loss) ? json(history.best_loss) : json(nullptr);
  state["bad_epochs"] = bad_epochs;
  state["optimizer_scalars"] = opt.scalars;
  if (scheduler_ != nullptr) state["scheduler"] = scheduler_->state_dict();
  if (plateau_ != nullptr) state["plateau"] = plateau_->state_dict();
  if (options_.generator != nullptr) state["generator"] = options_.generator->state();
  io::save_safetensors(options_.checkpoint_path, tensors,
                       {{"format", "recur.checkpoint.v1"},
                        {"state", state.dump()},
                        {"run_identity", json(options_.run_identity).dump()}});
}

bool Trainer::load_checkpoint(History& history, TensorMap& best, int64_t& bad_epochs) {
  if (!std::filesystem::exists(options_.checkpoint_path)) return false;
  const io::SafetensorsFile file = io::read_safetensors(options_.checkpoint_path);
  const auto format = file.metadata.find("format");
  const auto state_text = file.metadata.find("state");
  if (format == file.metadata.end() || format->second != "recur.checkpoint.v1" ||
      state_text == file.metadata.end()) {
    throw TrainingError(options_.checkpoint_path + ": not a recur training checkpoint");
  }
  check_run_identity(file.metadata);
  try {
    const json state = json::parse(state_text->second);
    model_.load_state_dict(take_prefixed(file.tensors, "model."));
    optim::OptimizerState opt;
    opt.tensors = take_prefixed(file.tensors, "optimizer.");
    opt.scalars = state.at("optimizer_scalars").get<std::map<std::string, double>>();
    optimizer_.load_state_dict(opt);
    if (scheduler_ != nullptr) {
      scheduler_->load_state_dict(state.at("scheduler").get<std::map<std::string, double>>());
    }
    if (plateau_ != nullptr) {
      plateau_->load_state_dict(state.at("plateau").get<std::map<std::string, double>>());
    }
    if (options_.generator != nullptr) {
      options_.generator->set_state(state.at("generator").get<std::string>());
    }
    for (const json& r : state.at("epochs")) history.epochs.push_back(record_from_json(r));
    history.best_epoch = state.at("best_epoch").get<int64_t>();
    const json& best_loss = state.at("best_loss");
    history.best_loss =
        best_loss.is_null() ? std::numeric_limits<double>::infinity() : best_loss.get<double>();
    bad_epochs = state.at("bad_epochs").get<int64_t>();
    best = take_prefixed(file.tensors, "best.");
  } catch (const json::exception& e) {
    throw TrainingError(options_.checkpoint_path + ": damaged checkpoint state (" +
                        io::json_error_text(e) + ")");
  }
  return true;
}

void Trainer::check_run_identity(const std::map<std::string, std::string>& metadata) const {
  std::map<std::string, std::string> saved;
  const auto it = metadata.find("run_identity");
  try {
    if (it != metadata.end())
      saved = json::parse(it->second).get<std::map<std::string, std::string>>();
  } catch (const json::exception&) {
    throw TrainingError(options_.checkpoint_path + ": damaged checkpoint (run_identity)");
  }
  std::string changed;
  auto value = [](const std::map<std::string, std::string>& m, const std::string& key) {
    const auto found = m.find(key);
    return found == m.end() ? std::string("(none)") : found->second;
  };
  std::map<std::string, std::string> keys = saved;
  keys.insert(options_.run_identity.begin(), options_.run_identity.end());
  for (const auto& [key, unused] : keys) {
    const std::string before = value(saved, key), now = value(options_.run_identity, key);
    if (before != now) {
      changed += (changed.empty() ? "" : "; ") + key + " was " + before + ", now " + now;
    }
  }
  if (!changed.empty()) {
    throw TrainingError(options_.checkpoint_path +
                        ": cannot resume: the checkpoint was written for other data or settings (" +
                        changed + "). Run again without --resume to start afresh.");
  }
}

// Rank 0's checkpoint (or its absence), copied to every other rank's checkpoint_path: a worker's
// run folder is its own, maybe on another host, and all ranks must resume from one state.
void Trainer::share_checkpoint_file() {
  if (comm_.size() == 1) return;
  std::string bytes;
  int64_t size = -1;  // -1: rank 0 has no checkpoint to resume from
  if (is_root() && std::filesystem::exists(options_.checkpoint_path)) {
    std::ifstream in(options_.checkpoint_path, std::ios::binary);
    if (!in) throw IoError(options_.checkpoint_path + ": cannot read the checkpoint");
    bytes.assign(std::istreambuf_iterator<char>(in), {});
    size = static_cast<int64_t>(bytes.size());
  }
  comm_.broadcast(&size, sizeof size, 0);
  if (size < 0) {
    if (!is_root()) std::filesystem::remove(options_.checkpoint_path);
    return;
  }
  bytes.resize(static_cast<size_t>(size));
  comm_.broadcast(bytes.data(), bytes.size(), 0);
  if (!is_root()) io::write_file_atomically(options_.checkpoint_path, bytes);
}

void Trainer::write_metrics(const History& history) const {
  if (!is_root()) return;
  if (!options_.metrics_csv.empty()) {
    std::ostringstream csv;
    csv << "epoch,train_loss,val_loss,lr,grad_norm,seconds\n";
    for (const EpochRecord& r : history.epochs) {
      csv << r.epoch << ',' << format_number(r.train_loss) << ',' << format_number(r.val_loss)
          << ',' << format_number(r.lr) << ',' << format_number(r.grad_norm) << ','
          << format_number(r.seconds) << '\n';
    }
    io::write_file_atomically(options_.metrics_csv, csv.str());
  }
  if (!options_.metrics_json.empty()) {
    json j;
    j["epochs"] = json::array();
    for (const EpochRecord& r : history.epochs) j["epochs"].push_back(to_json(r));
    j["best_epoch"] = history.best_epoch;
    j["best_loss"] = std::isfinite(history.best_loss) ? json(history.best_loss) : json(nullptr);
    j["stop_reason"] = history.stop_reason;
    io::write_file_atomically(options_.metrics_json, j.dump(2) + "\n");
  }
}

}  // namespace recur::train
