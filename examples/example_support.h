// What every example program shares beyond the tutorial it transcribes: the --check-decreasing
// verdict its ctest relies on, and main()'s handling of errors.
#pragma once

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace example {

// Whether the mean epoch loss went down from the first epoch to the last (--check-decreasing);
// prints the verdict, naming `what` (e.g. the model) when given.
inline bool loss_went_down(const std::vector<double>& epoch_losses, const std::string& what = "") {
  const bool decreased = epoch_losses.size() >= 2 && epoch_losses.back() < epoch_losses.front();
  const std::string label = what.empty() ? "" : " (" + what + ")";
  if (epoch_losses.size() < 2) {
    std::fprintf(stderr, "check failed%s: --check-decreasing needs at least 2 epochs\n",
                 label.c_str());
    return false;
  }
  std::fprintf(decreased ? stdout : stderr, "check %s%s: mean epoch loss %.6g -> %.6g\n",
               decreased ? "passed" : "failed (--check-decreasing: it must go down)", label.c_str(),
               epoch_losses.front(), epoch_losses.back());
  return decreased;
}

// Runs the example; an error becomes "error: <message>" on stderr and exit status 1.
template <class Run>
int run_reporting_errors(Run&& run) {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

}  // namespace example
