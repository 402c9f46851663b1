#pragma once
// A table or table format named by the caller that does not exist: a usage error (the CLI exits
// 2), not a problem with the database or the templates.
#include <stdexcept>

namespace pgd::results {

struct UnknownNameError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

}  // namespace pgd::results
