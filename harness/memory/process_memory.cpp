#include "harness/memory/process_memory.h"

#include <malloc.h>

#include <fstream>
#include <sstream>
#include <string>

namespace pgd::memory {
namespace {

// A "Key:   1234 kB" line of /proc/self/status, in bytes; 0 when absent.
uint64_t status_kib_field(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0 || line.size() <= key.size() ||
        line[key.size()] != ':')
      continue;
    std::istringstream value(line.substr(key.size() + 1));
    uint64_t kib = 0;
    value >> kib;
    return kib * 1024;
  }
  return 0;
}

}  // namespace

uint64_t resident_bytes() { return status_kib_field("VmRSS"); }

uint64_t peak_resident_bytes() { return status_kib_field("VmHWM"); }

bool reset_peak_resident() {
  // Free memory glibc keeps for reuse (an earlier run's freed heap) is still resident and would
  // become the floor of the next peak: hand it back to the system first.
  malloc_trim(0);
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

bool keep_freed_heap_for_reuse() {
  constexpr int kTrimThreshold = 1 << 30;
  return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
}

}  // namespace pgd::memory
