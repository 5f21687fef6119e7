// Extreme one-row moves in a price series: the typo, the unadjusted split, the 1e6x bad tick that
// otherwise trains quietly and then dominates every error metric (a single spike made MASE read
// 0.000). The rule: take the one-row changes of the log price (of the price itself when a value is
// not positive) over the rows asked about, and flag each change that lies more than
// kExtremeMoveLimit robust standard deviations (1.4826 x the median absolute deviation) from their
// median. Real markets stay far inside it: the S&P 500's largest daily moves of 2000-2020 (about
// 11%) are 14 robust standard deviations out; the limit is 50. A series whose changes are all equal
// (MAD 0) has nothing to flag.
//
//   for (const data::ExtremeMove& m : data::find_extreme_moves(frame.price, splits.train)) ...
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "recur/data/splits.h"

namespace recur::data {

inline constexpr double kExtremeMoveLimit = 50.0;

struct ExtremeMove {
  size_t row = 0;         // the row the move ends on
  double from = 0.0;      // price at row - 1
  double to = 0.0;        // price at row
  double robust_z = 0.0;  // distance from the median change, in robust standard deviations
};

// Moves ending on rows [rows.begin + 1, rows.end) of `prices`, at most `limit` of them (the
// largest first).
std::vector<ExtremeMove> find_extreme_moves(std::span<const double> prices, RowRange rows,
                                            size_t limit = 5);

}  // namespace recur::data
