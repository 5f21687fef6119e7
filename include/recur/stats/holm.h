// Holm's step-down adjustment of p-values for multiple comparisons (Holm 1979): with m tests at
// level alpha, some will come out "significant" by chance alone (about alpha * m of them when no
// difference is real); rejecting the hypotheses whose adjusted p-value is below alpha keeps the
// chance of ANY false rejection at most alpha, whatever the dependence between the tests. It is
// uniformly more powerful than Bonferroni (p * m) and gives R's p.adjust(p, "holm").
//
//   sorted ascending p_(1) <= ... <= p_(m):  adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))
//
//   std::vector<double> adjusted = stats::holm_adjust(p_values);  // same order as the input
#pragma once

#include <span>
#include <vector>

namespace recur::stats {

// The adjusted p-values, in the order of `p_values`. NaN entries (tests that could not be done)
// stay NaN and do not count among the m tests. ValueError for a value outside [0, 1].
std::vector<double> holm_adjust(std::span<const double> p_values);

}  // namespace recur::stats
