// Student's t distribution and the function behind it, the regularized incomplete beta
// I_x(a, b), for p-values of test statistics (the Diebold-Mariano test's HLN statistic is
// compared against t with n - 1 degrees of freedom). Double precision throughout; the continued
// fraction is evaluated to a relative accuracy near 1e-14, and small tail probabilities keep
// their relative accuracy (they are never computed as 1 - something close to 1).
//
//   student_t_cdf(2.228138851986, 10.0)        // 0.975: the two-sided 5% critical value
//   student_t_two_sided_p(2.228138851986, 10)  // 0.05
#pragma once

namespace recur::stats {

// I_x(a, b) = B(x; a, b) / B(a, b) for a > 0, b > 0, 0 <= x <= 1; ValueError otherwise.
double regularized_incomplete_beta(double a, double b, double x);

// P(T <= t) for T ~ Student's t with `dof` > 0 degrees of freedom (t may be +-infinity).
double student_t_cdf(double t, double dof);

// P(|T| >= |t|): the two-sided p-value of a t statistic.
double student_t_two_sided_p(double t, double dof);

}  // namespace recur::stats
