// What every fuzz target checks: the reader either returns or throws a recur::Error (IoError,
// ValueError, ...) whose message the user sees. Any other outcome is a finding: a sanitizer
// report, a hang, a huge allocation, or another exception escaping (std::out_of_range,
// nlohmann::json's own errors, std::bad_alloc), which would reach the user as a raw message.
// Each target defines run_one(); this header supplies LLVMFuzzerTestOneInput around it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "recur/tensor/error.h"

// Reads one input; may throw recur::Error.
void run_one(const uint8_t* data, size_t size);

// Targets store a value computed from everything they read here, so the reads are not optimised
// away and an over-read shows up under ASan.
inline volatile double fuzz_sink = 0.0;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    run_one(data, size);
  } catch (const recur::Error&) {
    // A clear error is the expected answer to a malformed file.
  }
  return 0;
}
