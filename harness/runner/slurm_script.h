#pragma once
// An sbatch array script for a sweep: task i runs cell i into its own SQLite shard, because
// SQLite on network file systems is unsafe for concurrent writers; `patchgd merge` joins them.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pgd::runner {

struct SlurmOptions {
  std::string partition;        // empty = the cluster's default
  int64_t gpus_per_task = 0;
  int64_t cpus_per_task = 4;
  std::string mem = "32G";
  std::string time = "24:00:00";
  std::vector<std::string> extra_directives;  // verbatim "#SBATCH ..." lines, without the prefix
};

struct SlurmJob {
  std::filesystem::path binary;      // absolute path of patchgd
  std::filesystem::path sweep_file;  // absolute
  std::string sweep_name;
  std::string scale;
  std::vector<std::string> overrides;
  int64_t cells = 0;
  std::filesystem::path out_dir;     // script, shards/, logs/, checkpoints/ go here
};

// Returns the script's text; POSIX-shell quoting of every argument.
std::string render_slurm_script(const SlurmJob& job, const SlurmOptions& options);

// Writes <out_dir>/<sweep_name>.sbatch (executable) and creates shards/ and logs/. Returns its path.
std::filesystem::path write_slurm_script(const SlurmJob& job, const SlurmOptions& options);

std::string shell_quote(const std::string& s);

}  // namespace pgd::runner
