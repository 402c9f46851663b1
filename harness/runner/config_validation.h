#pragma once
// Pre-flight checks of a resolved config, run by the CLI before anything is recorded, so that
// nonsensical input (patch larger than the image, f_s outside (0,1], a cap below the model's
// own size, unknown words) is an error naming the key instead of a failed run.
#include <nlohmann/json.hpp>

#include "harness/spec/run_spec.h"

namespace pgd::runner {

// Reads the config into its RunSpec (every key checked once, see harness/spec/spec_reader.h).
// Throws config::ConfigError naming the key, the value and what is expected.
// `check_model` also builds the model (on the CPU, no data) to compare memory.cap with the
// bytes its parameters, gradients and Adam state need.
spec::RunSpec validate_config(const nlohmann::json& config, bool check_model = true);

}  // namespace pgd::runner
