// LSTM against GRU on one task, as the tutorials suggest (seed 004, "LSTM vs GRU": "Parameters
// LSTM ≈ 4×, GRU ≈ 3×", "When GRU? Smaller dataset, faster training"; seed 000, "Practice":
// "Compare LSTM vs GRU on the same task and measure whether the difference matters"). The model
// is seed 002's GRUModel (section "Implementing RNNs" / "GRU Implementation": a recurrent layer,
// its last layer's final hidden state hidden[-1], a Linear), built once around nn::LSTM and once
// around nn::GRU of the same hidden size, and both are trained the same way (same seed, same
// batches, the loop written out: zero_grad / forward / loss / backward / step).
//
// The task is real and quick: from the last 30 daily returns of the S&P 500
// (data/sp500_2000_2020_ohlcv.csv, column close), forecast the volatility of the next 5 trading
// days (the log of their root-mean-square return). Volatility clusters, so it can be forecast;
// the naive forecast, the last 30 days' own volatility, is the baseline both networks must beat.
// Training windows come first in time, validation windows (the last 20 %) after them.
//
//   example_lstm_vs_gru                          20 epochs each, then the side-by-side table
//   example_lstm_vs_gru --epochs 2 --threads 1 --check-decreasing     (the ctest)
//
// --check-decreasing makes the exit status say whether both networks' mean epoch loss went down.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "example_support.h"
#include "recur/autograd/grad_mode.h"
#include "recur/io/csv.h"
#include "recur/kernels/parallel.h"
#include "recur/nn/gru.h"
#include "recur/nn/linear.h"
#include "recur/nn/lstm.h"
#include "recur/nn/module.h"
#include "recur/ops/ops.h"
#include "recur/optim/adam.h"
#include "recur/tensor/error.h"
#include "recur/tensor/random.h"
#include "recur/tensor/tensor.h"
#include "recur/train/data_loader.h"

using namespace recur;

// The tutorial's GRUModel(input_dim, hidden_dim, num_layers, output_dim) with the recurrent layer
// given, so the same class holds an nn::LSTM or an nn::GRU. The layer is registered under the
// tutorial's name for it ("gru", or "lstm" for the LSTM), so parameter names read as in PyTorch.
class RecurrentModel : public nn::Module {
 public:
  RecurrentModel(std::shared_ptr<nn::RecurrentLayer> layer, int64_t output_dim, Generator& gen) {
    const std::string name = layer->cell_type() == nn::CellType::Gru ? "gru" : "lstm";
    rnn = register_module(name, std::move(layer));
    fc = register_module(
        "fc", std::make_shared<nn::Linear>(rnn->options().hidden_size, output_dim, true, gen));
  }

  Tensor forward(const Tensor& x) {
    // x: (batch, seq_len, input_dim)
    Tensor hidden = rnn->forward(x).h_n;  // (num_layers, batch, hidden_dim)
    // Use final hidden state
    Tensor final_hidden = select(hidden, 0, -1);  // hidden[-1, :, :]
    Tensor prediction = fc->forward(final_hidden);
    return prediction;
  }

  std::shared_ptr<nn::RecurrentLayer> rnn;
  std::shared_ptr<nn::Linear> fc;
};

struct Options {
  std::string csv = "data/sp500_2000_2020_ohlcv.csv";  // from the repository root
  std::string column = "close";
  int64_t window = 30;  // days of returns the model reads
  int64_t horizon = 5;  // days whose volatility it forecasts
  int64_t hidden = 32;  // hidden size of both networks
  int64_t epochs = 20;
  int64_t batch_size = 32;
  double lr = 1e-3;
  uint64_t seed = 0;
  int threads = 0;  // 0: OMP_NUM_THREADS or every core
  bool check_decreasing = false;
};

// Daily log returns, in percent, of a numeric CSV column.
std::vector<double> daily_returns(const std::string& path, const std::string& column) {
  const io::CsvTable table = io::read_csv(path);
  const size_t c = table.require_column(column);
  std::vector<double> returns;
  std::optional<double> previous;
  for (const io::CsvRow& row : table.rows) {
    const std::optional<double> v = io::parse_number(row.fields[c]);
    if (!v || *v <= 0.0) {
      throw IoError(table.where(row) + ": column '" + column + "': '" + row.fields[c] +
                    "' is not a positive number");
    }
    if (previous) returns.push_back(100.0 * std::log(*v / *previous));
    previous = v;
  }
  return returns;
}

// log(root-mean-square) of returns[begin, end): the log volatility of those days.
double log_volatility(const std::vector<double>& returns, size_t begin, size_t end) {
  double squares = 0.0;
  for (size_t t = begin; t < end; ++t) squares += returns[t] * returns[t];
  // The floor keeps a run of flat days (no return at all) finite.
  return 0.5 * std::log(std::max(squares / static_cast<double>(end - begin), 1e-8));
}

// Windows of `window` returns [N, window, 1], the log volatility of the `horizon` days after
// each [N, 1], and the naive forecast of it (the window's own log volatility) [N, 1].
struct VolatilityWindows {
  Tensor inputs, targets, naive;
};

// The windows whose forecast days start in [first, last) (days counted in `returns`).
VolatilityWindows cut_windows(const std::vector<double>& returns, size_t first, size_t last,
                              size_t window, size_t horizon) {
  std::vector<float> x, y, naive;
  for (size_t t = std::max(first, window); t + horizon <= last; ++t) {
    for (size_t k = t - window; k < t; ++k) x.push_back(static_cast<float>(returns[k]));
    y.push_back(static_cast<float>(log_volatility(returns, t, t + horizon)));
    naive.push_back(static_cast<float>(log_volatility(returns, t - window, t)));
  }
  const auto n = static_cast<int64_t>(y.size());
  if (n == 0) throw ValueError("lstm_vs_gru: no window of " + std::to_string(window) + " days");
  return {Tensor::from_vector({n, static_cast<int64_t>(window), 1}, std::move(x)),
          Tensor::from_vector({n, 1}, std::move(y)), Tensor::from_vector({n, 1}, std::move(naive))};
}

struct Result {
  std::string name;
  int64_t recurrent_parameters = 0, parameters = 0;
  double seconds = 0.0;
  std::vector<double> epoch_losses;  // mean training loss of each epoch
  double val_loss = 0.0;
};

double validation_loss(RecurrentModel& model, const VolatilityWindows& val) {
  NoGradGuard no_grad;
  return mse_loss(model.forward(val.inputs), val.targets).item();
}

// Trains one model with the tutorial's loop and scores it on the validation windows.
Result train_and_validate(RecurrentModel& model, const train::DataLoader& train_loader,
                          const VolatilityWindows& val, const Options& opt) {
  Result r{.name = model.rnn->type_name(),
           .recurrent_parameters = model.rnn->num_parameters(),
           .parameters = model.num_parameters()};
  std::printf("== %s ==\n", r.name.c_str());
  optim::Adam optimizer(model.parameters(), {.lr = opt.lr});
  const auto start = std::chrono::steady_clock::now();
  for (int64_t epoch = 0; epoch < opt.epochs; ++epoch) {
    double loss_sum = 0.0;
    for (const train::Batch& batch : train_loader.epoch(epoch)) {
      optimizer.zero_grad();
      Tensor pred = model.forward(batch.inputs);
      Tensor loss = mse_loss(pred, batch.targets);
      loss.backward();
      optimizer.step();
      loss_sum += static_cast<double>(loss.item()) * static_cast<double>(batch.size());
    }
    r.epoch_losses.push_back(loss_sum / static_cast<double>(train_loader.num_samples()));
    std::printf("Epoch %lld, Loss: %.4f\n", static_cast<long long>(epoch + 1),
                r.epoch_losses.back());
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.val_loss = validation_loss(model, val);
  return r;
}

// The side-by-side table, the parameter ratio against the tutorial's 4 : 3, and the baseline.
void print_comparison(const Result& lstm, const Result& gru, double naive_val_loss,
                      int64_t val_windows) {
  std::printf("\n%-6s %18s %12s %14s %22s\n", "model", "recurrent params", "all params",
              "training (s)", "validation MSE");
  for (const Result* r : {&lstm, &gru}) {
    std::printf("%-6s %18lld %12lld %14.2f %22.4f\n", r->name.c_str(),
                static_cast<long long>(r->recurrent_parameters),
                static_cast<long long>(r->parameters), r->seconds, r->val_loss);
  }
  std::printf("%-6s %18s %12s %14s %22.4f\n", "naive", "", "", "", naive_val_loss);
  std::printf(
      "(validation: %lld windows, MSE of the log volatility; naive: each window's own "
      "volatility)\n",
      static_cast<long long>(val_windows));
  const int64_t lstm_gates = nn::gate_count(nn::CellType::Lstm);
  const int64_t gru_gates = nn::gate_count(nn::CellType::Gru);
  // Every gate has the same weights (W_ih, W_hh, b_ih, b_hh), so the counts go as the gates.
  const bool as_gates =
      lstm.recurrent_parameters * gru_gates == gru.recurrent_parameters * lstm_gates;
  std::printf("GRU / LSTM recurrent parameters: %.3f, %s the %lld : %lld gate ratio (%s)\n",
              static_cast<double>(gru.recurrent_parameters) /
                  static_cast<double>(lstm.recurrent_parameters),
              as_gates ? "exactly" : "NOT", static_cast<long long>(lstm_gates),
              static_cast<long long>(gru_gates),
              "LSTM: input, forget, cell and output; GRU: reset, update and new");
  std::printf("GRU took %.0f %% of the LSTM's training time; its validation MSE is %.1f %% %s.\n",
              100.0 * gru.seconds / lstm.seconds,
              100.0 * std::fabs(gru.val_loss - lstm.val_loss) / lstm.val_loss,
              gru.val_loss <= lstm.val_loss ? "lower" : "higher");
}

int run(const Options& opt) {
  if (opt.threads > 0) kernels::set_num_threads(opt.threads);
  const std::vector<double> returns = daily_returns(opt.csv, opt.column);
  const size_t split = returns.size() * 8 / 10;  // forecasts from this day on are validation
  const auto window = static_cast<size_t>(opt.window), horizon = static_cast<size_t>(opt.horizon);
  const VolatilityWindows train = cut_windows(returns, 0, split, window, horizon);
  const VolatilityWindows val = cut_windows(returns, split, returns.size(), window, horizon);
  const train::DataLoader train_loader(
      train.inputs, train.targets,
      {.batch_size = opt.batch_size, .shuffle = true, .seed = opt.seed});
  std::printf("%lld training and %lld validation windows of %lld daily returns\n",
              static_cast<long long>(train.targets.size(0)),
              static_cast<long long>(val.targets.size(0)), static_cast<long long>(opt.window));

  // The same hidden size, the same seed for the weights, the same batches: only the cell differs.
  const nn::RecurrentOptions options{
      .input_size = 1, .hidden_size = opt.hidden, .num_layers = 1, .batch_first = true};
  Generator lstm_gen(opt.seed), gru_gen(opt.seed);
  RecurrentModel lstm_model(std::make_shared<nn::LSTM>(options, lstm_gen), 1, lstm_gen);
  RecurrentModel gru_model(std::make_shared<nn::GRU>(options, gru_gen), 1, gru_gen);
  const Result lstm = train_and_validate(lstm_model, train_loader, val, opt);
  const Result gru = train_and_validate(gru_model, train_loader, val, opt);

  NoGradGuard no_grad;
  print_comparison(lstm, gru, mse_loss(val.naive, val.targets).item(), val.targets.size(0));

  if (opt.check_decreasing) {
    const bool lstm_ok = example::loss_went_down(lstm.epoch_losses, lstm.name);
    const bool gru_ok = example::loss_went_down(gru.epoch_losses, gru.name);
    if (!lstm_ok || !gru_ok) return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"LSTM against GRU: the same model and training, forecasting S&P 500 volatility"};
  app.add_option("--csv", opt.csv, "CSV file of daily prices")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  app.add_option("--column", opt.column, "The price column")->capture_default_str();
  app.add_option("--hidden", opt.hidden, "Hidden size of both networks")->capture_default_str();
  app.add_option("--epochs", opt.epochs, "Training epochs of each network")->capture_default_str();
  app.add_option("--seed", opt.seed, "Seed of the weights and the shuffling")
      ->capture_default_str();
  app.add_option("--threads", opt.threads, "Threads (0: OMP_NUM_THREADS or all cores)")
      ->capture_default_str();
  app.add_flag("--check-decreasing", opt.check_decreasing,
               "Exit with status 1 unless both networks' mean epoch loss went down");
  CLI11_PARSE(app, argc, argv);
  if (opt.epochs < 1 || opt.hidden < 1) {
    std::fprintf(stderr, "--epochs and --hidden must be at least 1\n");
    return 2;
  }
  return example::run_reporting_errors([&] { return run(opt); });
}
