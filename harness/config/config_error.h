#pragma once
// Errors about configuration: always name the key (dotted path), file or value at fault.
#include <stdexcept>
#include <string>

namespace pgd::config {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace pgd::config
