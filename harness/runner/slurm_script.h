#pragma once
// An sbatch array script for a sweep: task i runs cell i into its own SQLite shard, because
// SQLite on network file systems is unsafe for concurrent writers; `patchgd merge` joins them.
// The job folder: <sweep>.sbatch, job.json (what unfinished_cells reads), shards/cell-i.db,
// logs/, checkpoints/.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pgd::runner {

struct SlurmOptions {
  std::string partition;  // empty = the cluster's default
  int64_t gpus_per_task = 0;
  // Small enough for any node; --cpus-per-task and --mem raise them.
  int64_t cpus_per_task = 2;
  std::string mem;  // empty = the cluster's default (no --mem line)
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
  std::filesystem::path config_dir;  // absolute: the folder the sweep was resolved against
  std::filesystem::path work_dir;    // absolute: where each task runs (relative data paths)
  std::filesystem::path merge_db;    // absolute: the database the merge hint names
  // false when the sweep or the overrides set `threads`: then the task keeps that setting
  // instead of taking its allocation (SLURM_CPUS_PER_TASK).
  bool threads_from_allocation = true;
};

// Returns the script's text; POSIX-shell quoting of every argument.
std::string render_slurm_script(const SlurmJob& job, const SlurmOptions& options);

// Writes <out_dir>/<sweep_name>.sbatch (executable) and creates shards/ and logs/. Returns its
// path.
std::filesystem::path write_slurm_script(const SlurmJob& job, const SlurmOptions& options);

std::string shell_quote(const std::string& s);

// The cells of an emitted job (its folder) without a done or oom run in their shard: never
// started, pending, running, failed or cancelled. Throws if the folder holds no job.json.
struct UnfinishedCells {
  int64_t cells = 0;
  std::vector<int64_t> unfinished;
  std::filesystem::path script;
};
UnfinishedCells unfinished_cells(const std::filesystem::path& job_dir);

// "1,3-5,9": the list `sbatch --array=` takes.
std::string array_list(const std::vector<int64_t>& cells);

}  // namespace pgd::runner
