// The tutorial's "Time Series Forecasting: A Complete Example" written with recur: an LSTM that
// reads 30 daily prices and predicts the next one. Each piece has the name it has in the
// tutorial's PyTorch code (TimeSeriesDataset, StockForecaster, the training loop), so the two
// can be read side by side; see examples/README.md.
//
//   example_stock_forecaster                     the tutorial: 1000 simulated prices, 100 epochs
//   example_stock_forecaster --csv data/sp500_2000_2020_ohlcv.csv --column close
//                                                the last 1000 closes of a real file, normalised
//
// --json adds one line with the training time and losses (bench/forecast_training/ reads it);
// --check-decreasing makes the exit status say whether the mean epoch loss went down (ctest).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "example_support.h"
#include "recur/autograd/grad_mode.h"
#include "recur/io/csv.h"
#include "recur/kernels/parallel.h"
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

// Every window of `sequence_length` consecutive values, and the value after it. PyTorch's
// Dataset hands out one window at a time; recur's DataLoader batches rows of whole tensors, so
// the windows are cut once here: inputs [N, sequence_length], targets [N].
class TimeSeriesDataset {
 public:
  explicit TimeSeriesDataset(const std::vector<double>& data, int64_t sequence_length = 30) {
    const int64_t n = static_cast<int64_t>(data.size()) - sequence_length;  // __len__
    if (n <= 0) {
      throw ValueError("TimeSeriesDataset: " + std::to_string(data.size()) +
                       " values give no window of " + std::to_string(sequence_length));
    }
    inputs_ = Tensor::empty({n, sequence_length});
    targets_ = Tensor::empty({n});
    for (int64_t idx = 0; idx < n; ++idx) {  // __getitem__(idx)
      for (int64_t t = 0; t < sequence_length; ++t) {
        inputs_.at({idx, t}) = static_cast<float>(data[idx + t]);
      }
      targets_.at({idx}) = static_cast<float>(data[idx + sequence_length]);
    }
  }

  int64_t size() const { return targets_.size(0); }
  const Tensor& inputs() const { return inputs_; }
  const Tensor& targets() const { return targets_; }

 private:
  Tensor inputs_;
  Tensor targets_;
};

class StockForecaster : public nn::Module {
 public:
  explicit StockForecaster(int64_t input_size = 1, int64_t hidden_size = 64, int64_t num_layers = 2,
                           Generator& gen = default_generator()) {
    const nn::RecurrentOptions lstm_options{.input_size = input_size,
                                            .hidden_size = hidden_size,
                                            .num_layers = num_layers,
                                            .batch_first = true};
    lstm = register_module("lstm", std::make_shared<nn::LSTM>(lstm_options, gen));
    fc = register_module("fc", std::make_shared<nn::Linear>(hidden_size, 1, true, gen));
  }

  Tensor forward(const Tensor& x) {
    // x: [batch, seq_len, input_size]
    Tensor lstm_out = lstm->forward(x).output;     // [batch, seq_len, hidden_size]
    Tensor last_hidden = select(lstm_out, 1, -1);  // [batch, hidden_size]
    Tensor prediction = fc->forward(last_hidden);  // [batch, 1]
    return prediction;
  }

  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> fc;
};

struct Options {
  int64_t epochs = 100;
  int64_t points = 1000;  // length of the price series
  int64_t sequence_length = 30;
  int64_t batch_size = 32;
  double lr = 1e-3;
  uint64_t seed = 0;
  int threads = 0;  // 0: OMP_NUM_THREADS or every core
  std::string csv;
  std::string column = "close";
  std::optional<bool> normalize;  // default: off for the simulated prices (as the tutorial's
                                  // code), on for a CSV file (as the tutorial advises)
  bool json = false;
  bool check_decreasing = false;
};

// The tutorial's simulated prices: np.random.randn(points).cumsum() + 100.
std::vector<double> simulated_prices(int64_t points, Generator& gen) {
  std::vector<double> prices(points);
  double walk = 0.0;
  for (double& p : prices) {
    walk += gen.normal();
    p = walk + 100.0;
  }
  return prices;
}

// The last `points` values of a numeric column of a CSV file.
std::vector<double> csv_prices(const std::string& path, const std::string& column, int64_t points) {
  const io::CsvTable table = io::read_csv(path);
  const size_t c = table.require_column(column);
  std::vector<double> values;
  for (const io::CsvRow& row : table.rows) {
    const std::optional<double> v = io::parse_number(row.fields[c]);
    if (!v) {
      throw IoError(table.where(row) + ": column '" + column + "': '" + row.fields[c] +
                    "' is not a number");
    }
    values.push_back(*v);
  }
  if (static_cast<int64_t>(values.size()) > points)
    values.erase(values.begin(), values.end() - points);
  return values;
}

// Mean and population standard deviation, for z-scoring the series and undoing it.
struct Normalization {
  double mean = 0.0, std = 1.0;
  double apply(double x) const { return (x - mean) / std; }
  double undo(double z) const { return z * std + mean; }
};

Normalization fit_normalization(const std::vector<double>& data) {
  Normalization n;
  n.mean = std::accumulate(data.begin(), data.end(), 0.0) / static_cast<double>(data.size());
  double sq = 0.0;
  for (double x : data) sq += (x - n.mean) * (x - n.mean);
  n.std = std::sqrt(sq / static_cast<double>(data.size()));
  if (n.std == 0.0) n.std = 1.0;  // a constant series: centre it only
  return n;
}

double population_std(const std::vector<double>& data) { return fit_normalization(data).std; }

// MSE of the trained model over every window, without recording gradients.
double mean_squared_error(StockForecaster& model, const TimeSeriesDataset& dataset) {
  NoGradGuard no_grad;
  Tensor pred = model.forward(unsqueeze(dataset.inputs(), -1));
  return mse_loss(pred, unsqueeze(dataset.targets(), -1)).item();
}

// The prices to learn from: the tutorial's simulated ones or a CSV column, z-scored when asked.
std::vector<double> load_prices(const Options& opt, Generator& gen, Normalization& norm) {
  std::vector<double> prices = opt.csv.empty() ? simulated_prices(opt.points, gen)
                                               : csv_prices(opt.csv, opt.column, opt.points);
  if (opt.normalize.value_or(!opt.csv.empty())) norm = fit_normalization(prices);
  for (double& p : prices) p = norm.apply(p);
  return prices;
}

// The model's forecast of the value after the last window, in the data's own units (the
// tutorial: "denormalize when you report final predictions").
double forecast_next(StockForecaster& model, const std::vector<double>& prices,
                     int64_t sequence_length, const Normalization& norm) {
  NoGradGuard no_grad;
  std::vector<float> last(prices.end() - sequence_length, prices.end());
  Tensor x = Tensor::from_vector({1, sequence_length, 1}, std::move(last));
  return norm.undo(model.forward(x).item());
}

int run(const Options& opt) {
  if (opt.threads > 0) kernels::set_num_threads(opt.threads);
  Generator gen(opt.seed);
  const auto start = std::chrono::steady_clock::now();

  // Training loop
  StockForecaster model(1, 64, 2, gen);
  optim::Adam optimizer(model.parameters(), {.lr = opt.lr});

  Normalization norm;
  const std::vector<double> prices = load_prices(opt, gen, norm);
  TimeSeriesDataset train_data(prices, opt.sequence_length);
  train::DataLoader train_loader(train_data.inputs(), train_data.targets(),
                                 {.batch_size = opt.batch_size, .shuffle = true, .seed = opt.seed});

  std::vector<double> epoch_losses;  // mean loss over each epoch's samples, for the check
  float last_loss = 0.0f;
  for (int64_t epoch = 0; epoch < opt.epochs; ++epoch) {
    double loss_sum = 0.0;
    for (const train::Batch& batch : train_loader.epoch(epoch)) {
      optimizer.zero_grad();
      Tensor pred = model.forward(unsqueeze(batch.inputs, -1));  // add the feature dimension
      Tensor loss = mse_loss(pred, unsqueeze(batch.targets, -1));
      loss.backward();
      optimizer.step();
      last_loss = loss.item();
      loss_sum += static_cast<double>(last_loss) * static_cast<double>(batch.targets.size(0));
    }
    epoch_losses.push_back(loss_sum / static_cast<double>(train_data.size()));
    if ((epoch + 1) % 10 == 0) {
      std::printf("Epoch %lld, Loss: %.4f\n", static_cast<long long>(epoch + 1), last_loss);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("Next value after the %zu given: %.2f\n", prices.size(),
              forecast_next(model, prices, opt.sequence_length, norm));
  if (opt.json) {
    Generator same_seed(opt.seed);  // the model's initial weights again, for "before training"
    StockForecaster untrained(1, 64, 2, same_seed);
    std::printf(
        "{\"impl\": \"recur\", \"threads\": %d, \"epochs\": %lld, \"samples\": %lld, "
        "\"batches_per_epoch\": %lld, \"seconds\": %.6f, \"last_batch_loss\": %.9g, "
        "\"untrained_mse\": %.9g, \"train_mse\": %.9g, \"price_std\": %.9g}\n",
        kernels::num_threads(), static_cast<long long>(opt.epochs),
        static_cast<long long>(train_data.size()),
        static_cast<long long>(train_loader.num_batches()), seconds, last_loss,
        mean_squared_error(untrained, train_data), mean_squared_error(model, train_data),
        population_std(prices));
  }
  if (opt.check_decreasing && !example::loss_went_down(epoch_losses)) return 1;
  return 0;
}

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"The tutorial's StockForecaster: an LSTM trained to predict the next price"};
  app.add_option("--epochs", opt.epochs, "Training epochs")->capture_default_str();
  app.add_option("--points", opt.points, "Length of the price series")->capture_default_str();
  app.add_option("--seed", opt.seed, "Seed of the data, the weights and the shuffling")
      ->capture_default_str();
  app.add_option("--threads", opt.threads, "Threads (0: OMP_NUM_THREADS or all cores)")
      ->capture_default_str();
  app.add_option("--csv", opt.csv, "Train on a column of this CSV file instead of simulated prices")
      ->check(CLI::ExistingFile);
  app.add_option("--column", opt.column, "The CSV column to use")->capture_default_str();
  bool normalize = false;
  CLI::Option* normalize_flag = app.add_flag("--normalize,!--no-normalize", normalize,
                                             "Z-score the prices (default: only for --csv)");
  app.add_flag("--json", opt.json, "Print one JSON line with the training time and losses");
  app.add_flag("--check-decreasing", opt.check_decreasing,
               "Exit with status 1 unless the mean epoch loss went down");
  CLI11_PARSE(app, argc, argv);
  if (normalize_flag->count() > 0) opt.normalize = normalize;
  if (opt.epochs < 1 || opt.points < 1) {
    std::fprintf(stderr, "--epochs and --points must be at least 1\n");
    return 2;
  }
  return example::run_reporting_errors([&] { return run(opt); });
}
