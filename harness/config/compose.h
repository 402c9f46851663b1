#pragma once
// Hydra-style composition of the experiment config.
//
// config_dir/config.yaml holds a `defaults` list (`- group: option`); each entry loads
// config_dir/<group>/<option>.yaml as the mapping under key <group>. The root file's own keys
// are merged over the group files (as Hydra does with `_self_` last). Overrides (see
// override.h) then apply: group selections (`dataset=panda`, `+group=option`, `~group`)
// first, before any file is loaded; key overrides after, in the order given (override_apply.h).
// Interpolations (interpolation.h) are resolved last, then the values they gave are type
// checked. The result has neither `defaults` nor `_types`: it is the resolved config that a
// run's hash is taken over.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgd::config {

// Throws ConfigError naming the file, key, option or value at fault.
nlohmann::json compose_config(const std::filesystem::path& config_dir,
                              const std::vector<std::string>& overrides);

// The config's integer `seed`, which orders shuffle(); throws ConfigError when it has none.
int64_t seed_of(const nlohmann::json& config);

// $PATCHGD_CONFIG_DIR if set; else ./experiments if it holds config.yaml; else the source
// tree's experiments/ (PATCHGD_SOURCE_DIR).
std::filesystem::path default_config_dir();

// The option files (stems of *.yaml) of a config group folder, sorted.
std::vector<std::string> group_options(const std::filesystem::path& config_dir,
                                       const std::string& group);

}  // namespace pgd::config
