#pragma once
// Sweep files (experiments/sweeps/*.yaml): one per paper table or ablation, each at three
// scales (smoke, mini, paper). A sweep expands into cells, each a concrete override list, its
// composed config and that config's hash:
//
//   name: ablation-sampling
//   description: one line
//   table: ablation-sampling            # the results table this sweep feeds (default: name)
//   overrides: [dataset=ultramnist10]   # every cell
//   grid:                               # cartesian product, first key slowest
//     method: gd,patchgd                # multirun syntax, or a YAML list
//     memory.cap: [4GB, 16GB]
//   cases:                              # optional zipped settings, each with every grid point
//     - [method.sampling_fraction=0.25, train.batch_size=16]
//   seeds: [1, 2, 3]                    # optional: every cell once per seed (`seed=N` last)
//   scales:                             # picked by scale (default smoke; smoke|default|mini|paper)
//     smoke:
//       overrides: [train.epochs=1]     # appended to the sweep's overrides
//       grid: {memory.cap: [64MB]}      # replaces those grid keys (new keys go last)
//       cases: [...]                    # replaces the cases when present
//       seeds: [1]                      # replaces the seeds when present
//
// A cell's overrides, in order: sweep overrides, scale overrides, one value per grid key,
// the case's overrides, extra overrides (a sweep value among the extras is one more grid
// dimension), `seed=N`. Cells are ordered grid point (slowest), case, extras, seed (fastest).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgd::config {

struct SweepCell {
  int64_t index = 0;                   // 0-based position in the plan
  std::vector<std::string> overrides;  // what compose_config was given
  nlohmann::json config;               // the resolved config
  std::string hash;                    // config_hash(config)
};

struct SweepPlan {
  std::string name;
  std::string description;
  std::string table;
  std::filesystem::path file;
  std::string scale;
  nlohmann::json spec;    // {sweep: file content, scale, extra_overrides, grid_order}
  std::string spec_hash;  // SHA-256 of canonical_json(spec): identifies this expansion
  std::vector<SweepCell> cells;
};

// The scale used when none is named.
inline constexpr char kDefaultSweepScale[] = "smoke";

// Throws ConfigError naming the file and key at fault: an unknown top-level or scale key, an
// unknown scale (listing the file's scales), a malformed value, a cell that does not compose
// (with its index and overrides), or two cells with the same config hash.
SweepPlan load_sweep(const std::filesystem::path& file, const std::string& scale,
                     const std::vector<std::string>& extra_overrides,
                     const std::filesystem::path& config_dir);

// `name_or_path` as a file if it exists, else config_dir/sweeps/<name>.yaml; throws
// ConfigError listing the sweep files there (nearest first) when neither exists.
std::filesystem::path resolve_sweep_file(const std::string& name_or_path,
                                         const std::filesystem::path& config_dir);

}  // namespace pgd::config
