// is_out_of_memory: tells a run that ended over its cap (status = oom) from one that failed.
#include <new>
#include <string>

#include <c10/util/Exception.h>

#include "harness/memory/memory_cap.h"

namespace pgd::memory {

bool is_out_of_memory(const std::exception& e) {
  if (dynamic_cast<const OutOfMemoryError*>(&e)) return true;
  if (dynamic_cast<const std::bad_alloc*>(&e)) return true;
  if (dynamic_cast<const c10::OutOfMemoryError*>(&e)) return true;
  if (const auto* error = dynamic_cast<const c10::Error*>(&e)) {
    // LibTorch rewraps some errors (ours included) as c10::Error, keeping their text; CUDA's
    // caching allocator says "CUDA out of memory", the default CPU allocator "not enough memory".
    const std::string text = error->what_without_backtrace();
    return text.find("out of memory") != std::string::npos ||
           text.find("not enough memory") != std::string::npos;
  }
  return false;
}

}  // namespace pgd::memory
