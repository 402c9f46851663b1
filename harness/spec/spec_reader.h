#pragma once
// Reading a resolved config into a RunSpec: the one place where every key is read, checked
// against its range and given its default. Every problem is a config::ConfigError naming the
// key, the value and what was expected.
#include <nlohmann/json.hpp>

#include "harness/config/config_view.h"
#include "harness/spec/run_spec.h"

namespace pgd::spec {

// The whole resolved config (after composition, overrides and interpolation).
RunSpec read_run_spec(const nlohmann::json& config);

// The method's options from the root config: method, backbone, head, train (optimizer,
// schedule, micro_batch), memory_format and seed. A `train.micro_batch: auto` becomes 0 here;
// the runner searches it.
methods::MethodOptions read_method_options(const config::ConfigView& root);

// The `dataset` section.
data::DatasetOptions read_dataset_options(const config::ConfigView& dataset);

// An integer >= min or `auto` (required).
BatchSetting read_batch_setting(const config::ConfigView& view, const std::string& key,
                                int64_t min);

// The keys common to both: `key` absent or null gives `fallback`, otherwise an integer in
// [lo, hi] (ConfigError naming the key).
int64_t int_or_in(const config::ConfigView& view, const std::string& key, int64_t fallback,
                  int64_t lo, int64_t hi);

}  // namespace pgd::spec
