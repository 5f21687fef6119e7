// Seeded random numbers. A Generator is a 64-bit Mersenne Twister with its own uniform and
// normal transforms (not std::*_distribution, whose output differs between standard libraries),
// so the same seed gives the same bits everywhere. Nothing in recur draws from an unseeded source:
// functions take a Generator& or use default_generator(), which manual_seed() resets.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace recur {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : engine_(seed) {}

  void seed(uint64_t seed) {
    engine_.seed(seed);
    has_spare_normal_ = false;
  }
  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, 1) with 24 random bits (every value exactly representable as float).
  float uniform01() { return static_cast<float>(engine_() >> 40) * 0x1.0p-24f; }
  float uniform(float low, float high) { return low + (high - low) * uniform01(); }
  float normal(float mean = 0.0f, float stddev = 1.0f);
  bool bernoulli(float p) { return uniform01() < p; }
  // Uniform integer in [0, n), without modulo bias.
  uint64_t below(uint64_t n);

  // The complete state as text, and restoring it: a checkpoint that saves it resumes the same
  // stream of numbers. set_state throws ValueError on text that state() did not produce.
  std::string state() const;
  void set_state(const std::string& state);

 private:
  std::mt19937_64 engine_;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// The process-wide generator used where none is passed.
Generator& default_generator();
// Reseeds default_generator().
void manual_seed(uint64_t seed);

}  // namespace recur
