// Chronological train / validation / test splits of a series' rows. Rows are never shuffled:
// training comes first, then validation, then test, so the model is always judged on a future
// it has not seen. An optional gap of `gap` rows is left out before validation and before test
// (those rows are nobody's targets; later windows may still read them as inputs, since they are
// the past by then).
//
// Splits cover rows [first_row, rows) where first_row is FeatureFrame::first_valid.
//   by fraction: b1 = first + round(train * n), b2 = first + round((train + val) * n),
//                train = [first, b1), val = [b1 + gap, b2), test = [b2 + gap, rows)
//   by date:     b1 = first row dated >= val_start, b2 = first row dated >= test_start, as above
// (n = rows - first; a gap larger than a split leaves that split empty).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "recur/data/date.h"

namespace recur::data {

// Rows [begin, end) of a series.
struct RowRange {
  size_t begin = 0;
  size_t end = 0;

  size_t size() const { return end > begin ? end - begin : 0; }
  bool empty() const { return size() == 0; }
  bool contains(size_t row) const { return row >= begin && row < end; }
  bool operator==(const RowRange&) const = default;
};

struct Splits {
  RowRange train, val, test;
};

struct FractionSplit {
  double train = 0.7;
  double val = 0.15;  // test gets the rest
  size_t gap = 0;
};

struct DateSplit {
  Date val_start;   // first date of validation
  Date test_start;  // first date of test
  size_t gap = 0;
};

// ValueError unless 0 < train, 0 <= val, train + val <= 1 and first_row < rows.
Splits split_by_fraction(size_t first_row, size_t rows, const FractionSplit& spec);
// ValueError unless val_start <= test_start and the training split is not empty.
Splits split_by_date(const std::vector<Date>& dates, size_t first_row, const DateSplit& spec);

}  // namespace recur::data
