// The training checkpoint reader: train::Trainer::fit with resume=true on a fuzzed checkpoint,
// for a tiny model (Linear -> Dropout) with Adam, StepLR, ReduceLROnPlateau and a dropout
// generator and a run identity, so every part of the saved state is read back. A checkpoint is a
// safetensors file whose metadata holds the trainer's state as JSON; fuzzing the file bytes alone
// rarely gets a mutated JSON past the safetensors checks, so the first byte picks what the rest is:
//   even: the whole checkpoint file;
//   odd:  only the "state" JSON, saved with the model's real tensors around it.
// Seeds (written by `RECUR_FUZZ_WRITE_SEEDS=<dir> build-fuzz/fuzz/checkpoint_fuzz`): real
// checkpoints after 1 and 2 epochs in both forms.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz_file.h"
#include "fuzz_main.h"
#include "recur/io/safetensors.h"
#include "recur/nn/dropout.h"
#include "recur/nn/linear.h"
#include "recur/ops/loss.h"
#include "recur/optim/adam.h"
#include "recur/optim/lr_scheduler.h"
#include "recur/optim/reduce_lr_on_plateau.h"
#include "recur/train/trainer.h"

namespace {

using namespace recur;

class Net : public nn::Module {
 public:
  Net() : gen(3) {
    fc = register_module("fc", std::make_shared<nn::Linear>(2, 1, true, gen));
    drop = register_module("drop", std::make_shared<nn::Dropout>(0.1f, gen));
  }
  Tensor forward(const Tensor& x) { return drop->forward(fc->forward(x)); }
  Generator gen;
  std::shared_ptr<nn::Linear> fc;
  std::shared_ptr<nn::Dropout> drop;
};

// Trains the tiny model for up to `epochs` epochs, resuming from `checkpoint` when it exists.
void run_training(const std::string& checkpoint, int64_t epochs) {
  Generator data_gen(1);
  const Tensor x = Tensor::normal({8, 2}, 0.0f, 1.0f, data_gen);
  const Tensor y = Tensor::normal({8, 1}, 0.0f, 1.0f, data_gen);
  train::DataLoader loader(x, y, {.batch_size = 4, .shuffle = true, .seed = 2});
  Net net;
  optim::Adam opt(net.parameters(), {.lr = 0.01});
  optim::StepLR step(opt, 1, 0.5);
  optim::ReduceLROnPlateau plateau(opt);
  std::ostringstream log;
  train::Trainer trainer(
      net, opt, [&](const train::Batch& b) { return mse_loss(net.forward(b.inputs), b.targets); },
      {.epochs = epochs,
       .checkpoint_path = checkpoint,
       .resume = true,
       .progress = train::ProgressStyle::Quiet,
       .progress_stream = &log,
       .generator = &net.gen,
       .run_identity = {{"data", "0123456789abcdef"}, {"training.lr", "0.01"}}});
  trainer.set_scheduler(&step);
  trainer.set_plateau_scheduler(&plateau);
  const train::History history = trainer.fit(loader, &loader);
  fuzz_sink = history.best_loss + static_cast<double>(history.epochs.size());
}

// The checkpoint with `state` in place of its state JSON: the real tensors of a 1-epoch run.
void write_with_state(const std::string& path, const std::string& state) {
  static const io::SafetensorsFile real = [&] {
    std::filesystem::remove(path);
    run_training(path, 1);
    return io::read_safetensors(path);
  }();
  std::map<std::string, std::string> metadata = real.metadata;
  metadata["state"] = state;
  io::save_safetensors(path, real.tensors, metadata);
}

void write_seed(const std::filesystem::path& dir, const std::string& name, char mode,
                const std::string& body) {
  std::ofstream(dir / name, std::ios::binary) << mode << body;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// RECUR_FUZZ_WRITE_SEEDS=<dir>: writes the seed corpus and exits.
void write_seeds(const std::filesystem::path& dir) {
  const std::string ckpt = (dir / "tmp.safetensors").string();
  for (int64_t epochs : {1, 2}) {
    std::filesystem::remove(ckpt);
    run_training(ckpt, epochs);
    const std::string name = "epochs" + std::to_string(epochs);
    write_seed(dir, name + "_file", '\0', file_text(ckpt));
    write_seed(dir, name + "_state", '\1', io::read_safetensors(ckpt).metadata.at("state"));
  }
  std::filesystem::remove(ckpt);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("RECUR_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

void run_one(const uint8_t* data, size_t size) {
  if (size == 0) return;
  static const fuzz::ScratchFile file(".safetensors");
  if ((data[0] & 1) == 0) {
    file.write(data + 1, size - 1);
  } else {
    write_with_state(file.path(), std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  }
  // 2 epochs: a checkpoint that ran fewer goes on training (and saves), as a resumed run does.
  run_training(file.path(), 2);
}
