#include "recur/apps/compare/date_task.h"

#include <array>
#include <cmath>
#include <map>

#include "recur/data/date.h"
#include "recur/tensor/error.h"

namespace recur::compare {
namespace {

const std::array<std::string, 12> kMonthNames = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};

// The ISO output alphabet: '0'-'9' are classes 0-9, '-' is class 10.
constexpr int64_t kIsoClasses = 11;
int64_t iso_class(char c) { return c == '-' ? 10 : c - '0'; }

// The span of dates drawn (two-digit years are never written, so no century pivot is needed).
const data::Date kFirstDate = data::Date::from_ymd(1950, 1, 1);
const data::Date kLastDate = data::Date::from_ymd(2049, 12, 31);

// Per output position, the share of its most frequent class in `labels` (rows of 10), averaged.
double positional_majority(const std::vector<int64_t>& labels) {
  std::array<std::map<int64_t, int64_t>, DateTask::kIsoLength> counts;
  for (size_t i = 0; i < labels.size(); ++i) ++counts[i % DateTask::kIsoLength][labels[i]];
  int64_t right = 0;
  for (const auto& position : counts) {
    int64_t most = 0;
    for (const auto& [c, n] : position) most = std::max(most, n);
    right += most;
  }
  return labels.empty() ? 0.0 : static_cast<double>(right) / static_cast<double>(labels.size());
}

}  // namespace

const std::string& DateTask::source_alphabet() {
  static const std::string alphabet = [] {
    std::string chars = "0123456789 ,./";
    for (const std::string& name : kMonthNames) {
      for (char c : name) {
        if (chars.find(c) == std::string::npos) chars += c;
      }
    }
    return chars;
  }();
  return alphabet;
}

std::string DateTask::written_date(int32_t days_since_1970, int64_t format) {
  const std::string iso = data::Date::from_days(days_since_1970).str();
  const std::string year = iso.substr(0, 4), mm = iso.substr(5, 2), dd = iso.substr(8, 2);
  const std::string month = kMonthNames[static_cast<size_t>(std::stoi(mm) - 1)];
  const std::string day = std::to_string(std::stoi(dd));  // no leading zero
  switch (format) {
    case 0:
      return day + " " + month + " " + year;
    case 1:
      return month + " " + day + ", " + year;
    case 2:
      return month.substr(0, 3) + " " + day + " " + year;
    case 3:
      return day + " " + month.substr(0, 3) + " " + year;
    case 4:
      return dd + "." + mm + "." + year;
    case 5:
      return mm + "/" + dd + "/" + year;
    default:
      throw ValueError("date format " + std::to_string(format) + ": expected 0 to 5");
  }
}

DateTask::DateTask(int64_t source_length) {
  if (source_length < kMinSourceLength) {
    throw ValueError("task dates-" + std::to_string(source_length) + ": T must be at least " +
                     std::to_string(kMinSourceLength) + " (\"September 30, 2021\")");
  }
  const auto alphabet = static_cast<int64_t>(source_alphabet().size());
  spec_ = {.name = "dates-" + std::to_string(source_length),
           .kind = "dates",
           .length = source_length,
           .steps = source_length + 1 + kIsoLength,
           .input_size = alphabet + 2,
           .output_size = kIsoClasses,
           .output_steps = kIsoLength,
           .objective = Objective::kClassification,
           .metric = "accuracy",
           .lower_is_better = false,
           .baseline_loss = NAN,
           .baseline_metric = 0.0,
           .baseline = "most frequent character per position",
           .threshold = 0.99,
           .form =
               "Dates (issue 12's seq2seq demo, posed for every model): a date from "
               "1950-2049 in one of six human formats (\"3 February 2021\", \"February 3, "
               "2021\", \"Feb 3 2021\", \"3 Feb 2021\", \"03.02.2021\", \"02/03/2021\"), one "
               "character per step padded to " +
               std::to_string(source_length) +
               ", a delimiter, then 10 steps in which to write it as ISO 8601 "
               "(\"2021-02-03\"); accuracy per character. Baseline: the most frequent "
               "character at each position (about 0.46). Solved: test accuracy >= 0.99."};
  // The baseline's expected accuracy, from a large fixed sample (it has no short closed form).
  Generator gen(0);
  spec_.baseline_metric = positional_majority(batch(20000, gen).labels);
}

TaskBatch DateTask::batch(int64_t size, Generator& gen) const {
  const int64_t steps = spec_.steps, width = spec_.input_size;
  const int64_t blank = width - 2, delimiter = width - 1;
  const std::string& alphabet = source_alphabet();
  const auto span = static_cast<uint64_t>(kLastDate - kFirstDate + 1);
  std::vector<float> inputs(static_cast<size_t>(size * steps * width), 0.0f);
  std::vector<int64_t> labels;
  labels.reserve(static_cast<size_t>(size * kIsoLength));
  for (int64_t b = 0; b < size; ++b) {
    const int32_t days = kFirstDate.days_since_1970() + static_cast<int32_t>(gen.below(span));
    const std::string source =
        written_date(days, static_cast<int64_t>(gen.below(static_cast<uint64_t>(kFormats))));
    float* row = inputs.data() + b * steps * width;
    for (int64_t t = 0; t < steps; ++t) {
      int64_t symbol = blank;
      if (t < static_cast<int64_t>(source.size())) {
        symbol = static_cast<int64_t>(alphabet.find(source[static_cast<size_t>(t)]));
      } else if (t == spec_.length) {
        symbol = delimiter;
      }
      row[t * width + symbol] = 1.0f;
    }
    for (char c : data::Date::from_days(days).str()) labels.push_back(iso_class(c));
  }
  return {.inputs = Tensor::from_vector({size, steps, width}, std::move(inputs)),
          .targets = {},
          .labels = std::move(labels)};
}

double DateTask::baseline_metric(const TaskBatch& batch) const {
  return positional_majority(batch.labels);
}

}  // namespace recur::compare
