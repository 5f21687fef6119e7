// The date task of issue 12's seq2seq demo, posed so that every model of the comparison can take
// it: a date drawn uniformly from 1950-01-01 to 2049-12-31, written in one of six human formats
// ("3 February 2021", "February 3, 2021", "Feb 3 2021", "3 Feb 2021", "03.02.2021" day first,
// "02/03/2021" month first: the separator says which), one character per step (one-hot) and
// padded with blanks to 18 steps, then a delimiter and 10 blanks; during those last 10 steps the
// model must write the date in ISO 8601 ("2021-02-03"), one character (of 0-9 and '-') per step.
// Scored: accuracy per output character. The trivial baseline writes, at each of the 10
// positions, the character most frequent there (e.g. the dashes, a '0' for most months): about
// 0.46; accuracy >= 0.99 counts as solved. Unlike the copy task, the answer is not in the input
// as such: month names must become numbers, and the order of the fields depends on the format.
// (`length` is the padded source length, 18 unless given: "dates-18".)
#pragma once

#include <string>

#include "recur/apps/compare/task.h"

namespace recur::compare {

class DateTask : public Task {
 public:
  static constexpr int64_t kMinSourceLength = 18;  // "September 30, 2021", the longest
  static constexpr int64_t kIsoLength = 10;
  static constexpr int64_t kFormats = 6;

  // ValueError when `source_length` < 18 (the longest written date would not fit).
  explicit DateTask(int64_t source_length);

  const TaskSpec& spec() const override { return spec_; }
  TaskBatch batch(int64_t size, Generator& gen) const override;
  // The accuracy of writing each position's most frequent character in the batch.
  double baseline_metric(const TaskBatch& batch) const override;

  // The date `days_since_1970` written in format `format` (0-5), as listed above.
  static std::string written_date(int32_t days_since_1970, int64_t format);
  // The characters a source step can hold; the input one-hot has these, then blank, delimiter.
  static const std::string& source_alphabet();

 private:
  TaskSpec spec_;
};

}  // namespace recur::compare
