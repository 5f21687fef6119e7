#include "recur/data/outliers.h"

#include <algorithm>
#include <cmath>

namespace recur::data {
namespace {

double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

}  // namespace

std::vector<ExtremeMove> find_extreme_moves(std::span<const double> prices, RowRange rows,
                                            size_t limit) {
  rows.end = std::min(rows.end, prices.size());
  if (rows.size() < 3) return {};
  const auto window = prices.subspan(rows.begin, rows.size());
  const bool positive = std::all_of(window.begin(), window.end(), [](double p) { return p > 0; });
  std::vector<double> changes;
  for (size_t r = rows.begin + 1; r < rows.end; ++r) {
    changes.push_back(positive ? std::log(prices[r] / prices[r - 1]) : prices[r] - prices[r - 1]);
  }
  const double center = median(changes);
  std::vector<double> deviations;
  for (double c : changes) deviations.push_back(std::abs(c - center));
  const double sigma = 1.4826 * median(deviations);
  if (!(sigma > 0.0)) return {};
  std::vector<ExtremeMove> moves;
  for (size_t i = 0; i < changes.size(); ++i) {
    const double z = std::abs(changes[i] - center) / sigma;
    const size_t row = rows.begin + 1 + i;
    if (z > kExtremeMoveLimit) moves.push_back({row, prices[row - 1], prices[row], z});
  }
  std::sort(moves.begin(), moves.end(),
            [](const ExtremeMove& a, const ExtremeMove& b) { return a.robust_z > b.robust_z; });
  if (moves.size() > limit) moves.resize(limit);
  return moves;
}

}  // namespace recur::data
