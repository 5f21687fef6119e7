#include "recur/tensor/random.h"

#include <cmath>
#include <numbers>
#include <sstream>

#include "recur/tensor/error.h"

namespace recur {

float Generator::normal(float mean, float stddev) {
  // Box-Muller on doubles: both values of a pair are used, so draws are reproducible as a stream.
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return mean + stddev * static_cast<float>(spare_normal_);
  }
  double u1 = 0.0;
  while (u1 <= 0.0) u1 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return mean + stddev * static_cast<float>(radius * std::cos(angle));
}

uint64_t Generator::below(uint64_t n) {
  if (n == 0) return 0;
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t draw = engine_();
  while (draw >= limit) draw = engine_();
  return draw % n;
}

std::string Generator::state() const {
  std::ostringstream out;
  out.precision(17);
  out << engine_ << ' ' << has_spare_normal_ << ' ' << spare_normal_;
  return out.str();
}

void Generator::set_state(const std::string& state) {
  std::istringstream in(state);
  std::mt19937_64 engine;
  bool has_spare = false;
  double spare = 0.0;
  in >> engine >> has_spare >> spare;
  if (in.fail()) throw ValueError("Generator::set_state: not a generator state");
  engine_ = engine;
  has_spare_normal_ = has_spare;
  spare_normal_ = spare;
}

Generator& default_generator() {
  static Generator generator(0);
  return generator;
}

void manual_seed(uint64_t seed) { default_generator().seed(seed); }

}  // namespace recur
