// The Diebold-Mariano test of equal forecast accuracy, with the Harvey-Leybourne-Newbold
// small-sample correction: do two forecasts of the same series, made from the same origins at
// the same horizon h, have the same expected loss? It answers the question a forecast report
// must ask before it says "the LSTM beats the naive forecast": is the difference in error larger
// than chance would produce?
//
// For errors e1, e2 (n each) and a loss g (squared or absolute), d_t = g(e1_t) - g(e2_t). The
// h-step errors of an optimal forecast are MA(h-1), so the variance of mean(d) uses the
// autocovariances of d up to lag h-1 with equal weights (Diebold & Mariano 1995, eq. 5):
//   V = gamma_0 + 2 sum_{k=1}^{h-1} gamma_k,   gamma_k = (1/n) sum_{t>k} (d_t - dbar)(d_{t-k} -
//   dbar) DM = dbar / sqrt(V / n) HLN = DM * sqrt((n + 1 - 2h + h(h-1)/n) / n)   (Harvey, Leybourne
//   & Newbold 1997)
// and the p-value is two-sided, from Student's t with n - 1 degrees of freedom applied to HLN.
// These are the numbers of R's forecast::dm.test (its default variance estimator), including its
// answer when the equal-weight V is not positive (possible for h > 1): it starts again with h = 1.
//
//   const auto dm = stats::diebold_mariano(lstm_errors, naive_errors, /*horizon=*/1,
//                                          stats::Loss::squared);
//   if (dm.p_value < 0.05) ...   // dm.mean_differential < 0: the first forecast's loss is lower
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace recur::stats {

enum class Loss { squared, absolute };

// "squared" or "absolute".
std::string_view loss_name(Loss loss);

struct DieboldMarianoResult {
  double statistic = 0.0;          // DM (1995), asymptotically N(0, 1)
  double hln_statistic = 0.0;      // DM times the HLN (1997) correction
  double p_value = 1.0;            // two-sided, HLN against t(n - 1)
  double mean_differential = 0.0;  // mean of g(e1) - g(e2): negative when the first loses less
  double long_run_variance = 0.0;  // V above, of one d_t (not of the mean)
  size_t n = 0;                    // number of error pairs
  int horizon = 1;                 // the h the numbers were computed with
  Loss loss = Loss::squared;
  // True when the requested h gave V <= 0 and the test was recomputed with h = 1 (as R does);
  // `horizon` is then 1.
  bool horizon_fallback = false;
};

// Throws ValueError when the series differ in length, hold fewer than 3 pairs or a non-finite
// value (naming the series and the index), h < 1 or h too large for n (the HLN factor must be
// positive), or when d has zero variance (identical forecasts, or losses that differ by the
// same amount everywhere): then there is nothing to test.
DieboldMarianoResult diebold_mariano(std::span<const double> errors1,
                                     std::span<const double> errors2, int horizon, Loss loss);

}  // namespace recur::stats
