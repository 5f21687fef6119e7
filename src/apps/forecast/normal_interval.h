// Normal prediction intervals for the baselines: mean ± z·σ·scale(h), z the standard normal
// quantile for the central level.
#pragma once

#include <functional>
#include <vector>

#include "recur/apps/forecast/forecaster.h"

namespace recur::forecast {

// Interval around `mean` with half-width z·sigma·scale(h) at step h = 1..mean.size().
Interval normal_interval(const std::vector<double>& mean, double sigma, double level,
                         const std::function<double(int h)>& scale);

}  // namespace recur::forecast
