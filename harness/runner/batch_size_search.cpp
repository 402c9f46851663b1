#include "harness/runner/batch_size_search.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "harness/memory/memory_cap.h"

namespace pgd::runner {
namespace {

bool fits(const std::function<void(int64_t)>& probe, int64_t b) {
  try {
    probe(b);
    return true;
  } catch (const std::exception& e) {
    if (memory::is_out_of_memory(e)) return false;
    throw;
  }
}

}  // namespace

int64_t largest_fitting_batch(int64_t upper, const std::function<void(int64_t)>& probe,
                              int64_t lower) {
  if (lower < 1 || upper < lower)
    throw std::invalid_argument("batch search: need 1 <= lower <= upper, got " +
                                std::to_string(lower) + ".." + std::to_string(upper));
  int64_t ok = 0, bad = upper + 1;
  for (int64_t b = lower; b <= upper; b *= 2) {
    if (!fits(probe, b)) {
      bad = b;
      break;
    }
    ok = b;
  }
  if (ok == 0) return 0;
  if (bad == upper + 1 && ok < upper) {  // every power of two fitted: try the bound itself
    if (fits(probe, upper)) return upper;
    bad = upper;
  }
  while (bad - ok > 1) {
    const int64_t mid = ok + (bad - ok) / 2;
    (fits(probe, mid) ? ok : bad) = mid;
  }
  return ok;
}

}  // namespace pgd::runner
