#pragma once
// The values a sweep stands for, in the order Hydra's basic sweeper runs them:
//   choice: its values (shuffled when shuffle() was applied);
//   range: Python's range for ints; for floats start + i*step computed in exact decimals, as
//          Hydra's FloatRange does (range(0.1, 0.4, 0.1) is 0.1, 0.2, 0.3, never
//          0.30000000000000004);
//   glob: the options of the key's config group (sorted names) that match an include pattern
//         and no exclude pattern (fnmatch);
//   interval: refused, as Hydra's basic sweeper refuses it: only samplers can use it.
// shuffle() draws its order from the config's `seed` (Hydra uses Python's unseeded random; a
// run here must be reproducible, so the order is fixed by the seed and the key).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/config/override_value.h"

namespace pgd::config {

struct SweepContext {
  std::filesystem::path config_dir;  // for glob()
  std::string key;                   // the swept key: glob's group; mixed into shuffle's seed
  std::function<int64_t()> seed;     // the config's seed; asked only when a sweep shuffles
};

// Throws ConfigError with the problem (the caller names the override): an interval, a zero
// step, no values, more than 100,000 values, a glob over a key that is not a group.
std::vector<nlohmann::json> enumerate_sweep(const Sweep& sweep, const SweepContext& context);

// A permutation drawn from a 64-bit Mersenne Twister seeded from (seed, key): the same on every
// machine and library, unlike std::shuffle.
void seeded_shuffle(std::vector<nlohmann::json>& values, int64_t seed, const std::string& key);

}  // namespace pgd::config
