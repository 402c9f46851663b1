#pragma once
// Multirun (`patchgd run -m ...`) and sweep grids: an override whose value is a sweep stands
// for one override per value. Sweeps are those of Hydra's grammar (override.h,
// override_functions.h): a,b,c; choice(a,b); range(...); glob(...) over a group's options;
// with sort(), shuffle(), tag() and casts around them. interval() is refused, as Hydra's basic
// sweeper refuses it. Each value is written back as `key=<text>` that reads back to exactly
// that value, type included (override_format.h).
// Combinations follow itertools.product: the first swept override varies slowest, the last
// fastest; overrides that do not sweep keep their text and position in every combination.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/config/override.h"
#include "harness/config/sweep_enumerate.h"

namespace pgd::config {

// Whether an override sweeps values. Throws ConfigError when it does not parse.
bool is_sweep_override(const std::string& override_text);

// The override texts `o` stands for: one per value of its sweep, or its own text.
// Throws ConfigError naming the override.
std::vector<std::string> expand_override(const Override& o, const SweepContext& context);

// One override list per combination, in product order. `config_dir` serves glob(); shuffle()
// is seeded by the `seed` of the config composed from the overrides that do not sweep.
std::vector<std::vector<std::string>> expand_multirun(const std::vector<std::string>& overrides,
                                                      const std::filesystem::path& config_dir);

// For a single run: throws ConfigError "override 'k=a,b' sweeps values; pass -m/--multirun"
// for the first override that sweeps.
void require_no_sweeps(const std::vector<std::string>& overrides);

}  // namespace pgd::config
