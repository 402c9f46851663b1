#include "harness/runner/error_text.h"

#include <c10/util/Exception.h>

namespace pgd::runner {

std::string error_text(const std::exception& e) {
  std::string text = e.what();
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e))
    text = c10_error->what_without_backtrace();
  // Trailing newlines and spaces make ragged table cells.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace pgd::runner
