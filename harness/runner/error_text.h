#pragma once
// The text a run records for an error: LibTorch's c10::Error carries a C++ backtrace (dozens
// of "frame #N" lines on a CUDA OOM), which buried the one line that matters in the database
// and on the console.
#include <exception>
#include <string>

namespace pgd::runner {

std::string error_text(const std::exception& e);

}  // namespace pgd::runner
