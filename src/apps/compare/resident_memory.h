// The process's resident memory as Linux reports it, for the peak memory of one model's training:
// reset_peak_resident() makes VmHWM start again from the current VmRSS (writing 5 to
// /proc/self/clear_refs, Linux >= 4.0), so VmHWM afterwards is the peak since then. Freed memory
// the allocator still holds would be reused before the resident set grows and hide the growth, so
// it is first handed back to the system (glibc's malloc_trim); what it cannot hand back (pages
// still shared with live blocks) keeps the growth a lower bound. Private to src/apps/compare.
#pragma once

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace recur::compare {

// "VmRSS" or "VmHWM" of /proc/self/status in bytes; -1 where unavailable.
inline int64_t proc_status_bytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::istringstream fields(line.substr(key.size() + 1));
    int64_t kilobytes = -1;
    fields >> kilobytes;
    return kilobytes < 0 ? -1 : kilobytes * 1024;
  }
  return -1;
}

inline void reset_peak_resident() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
  std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace recur::compare
