#include "recur/data/splits.h"

#include <algorithm>
#include <cmath>

#include "recur/tensor/error.h"

namespace recur::data {
namespace {

Splits from_boundaries(size_t first, size_t b1, size_t b2, size_t rows, size_t gap) {
  Splits s;
  s.train = {first, b1};
  s.val = {std::min(b1 + gap, b2), b2};
  s.test = {std::min(b2 + gap, rows), rows};
  return s;
}

}  // namespace

Splits split_by_fraction(size_t first_row, size_t rows, const FractionSplit& spec) {
  if (!(spec.train > 0.0) || !(spec.val >= 0.0) || !(spec.train + spec.val <= 1.0)) {
    throw ValueError("split fractions: need 0 < train, 0 <= val, train + val <= 1; got train " +
                     std::to_string(spec.train) + ", val " + std::to_string(spec.val));
  }
  if (first_row >= rows) {
    throw ValueError("split: no usable rows (first usable row " + std::to_string(first_row) +
                     " of " + std::to_string(rows) + ")");
  }
  const double n = static_cast<double>(rows - first_row);
  const size_t b1 = first_row + static_cast<size_t>(std::llround(spec.train * n));
  const size_t b2 = first_row + static_cast<size_t>(std::llround((spec.train + spec.val) * n));
  if (b1 == first_row) {
    throw ValueError("split: a training fraction of " + std::to_string(spec.train) + " of " +
                     std::to_string(rows - first_row) + " usable rows leaves no training rows");
  }
  return from_boundaries(first_row, b1, std::min(b2, rows), rows, spec.gap);
}

Splits split_by_date(const std::vector<Date>& dates, size_t first_row, const DateSplit& spec) {
  if (spec.test_start < spec.val_start) {
    throw ValueError("date split: validation starts " + spec.val_start.str() +
                     ", after the test start " + spec.test_start.str());
  }
  auto first_at = [&](Date d) {
    const auto it = std::lower_bound(dates.begin(), dates.end(), d);
    return std::max(first_row, static_cast<size_t>(it - dates.begin()));
  };
  const size_t b1 = first_at(spec.val_start);
  const size_t b2 = first_at(spec.test_start);
  if (b1 == first_row) {
    throw ValueError("date split: no training rows before " + spec.val_start.str() +
                     (dates.empty()
                          ? ""
                          : " (the usable data starts " +
                                dates[std::min(first_row, dates.size() - 1)].str() + ")"));
  }
  return from_boundaries(first_row, b1, b2, dates.size(), spec.gap);
}

}  // namespace recur::data
