#include "harness/runner/slurm_script.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "harness/store/result_store.h"

namespace pgd::runner {
namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

namespace {

std::string sweep_command(const SlurmJob& job, const fs::path& dir) {
  std::ostringstream s;
  s << "exec " << shell_quote(job.binary.string()) << " sweep "
    << shell_quote(job.sweep_file.string()) << " " << shell_quote("scale=" + job.scale);
  for (const auto& ov : job.overrides) s << " " << shell_quote(ov);
  s << " \\\n  --cell \"$CELL\" --resume --config-dir " << shell_quote(job.config_dir.string());
  if (job.threads_from_allocation) s << " --threads \"${SLURM_CPUS_PER_TASK:-0}\"";
  s << " \\\n  --db " << shell_quote((dir / "shards").string()) << "/cell-\"$CELL\".db"
    << " --checkpoint-dir " << shell_quote((dir / "checkpoints").string()) << "\n";
  return s.str();
}

}  // namespace

std::string render_slurm_script(const SlurmJob& job, const SlurmOptions& o) {
  if (job.cells < 1) throw std::invalid_argument("slurm: the sweep has no cells");
  if (!job.config_dir.is_absolute() || !job.work_dir.is_absolute())
    throw std::invalid_argument(
        "slurm: the config folder and the working folder must be absolute paths");
  const fs::path dir = fs::absolute(job.out_dir);
  const fs::path script = dir / (job.sweep_name + ".sbatch");
  std::ostringstream s;
  s << "#!/usr/bin/env bash\n"
    << "#SBATCH --job-name=patchgd-" << job.sweep_name << "\n"
    << "#SBATCH --array=0-" << job.cells - 1 << "\n"
    << "#SBATCH --output=" << (dir / "logs").string() << "/%x-%A_%a.out\n"
    << "#SBATCH --cpus-per-task=" << o.cpus_per_task << "\n";
  if (!o.mem.empty()) s << "#SBATCH --mem=" << o.mem << "\n";
  s << "#SBATCH --time=" << o.time << "\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (o.gpus_per_task > 0) s << "#SBATCH --gpus-per-task=" << o.gpus_per_task << "\n";
  for (const auto& d : o.extra_directives) s << "#SBATCH " << d << "\n";
  const std::string bin = shell_quote(job.binary.string());
  s << "#\n# Sweep " << job.sweep_name << " (scale " << job.scale << "), " << job.cells
    << " cells.\n"
    << "# Task i runs cell i into shards/cell-i.db (resuming its checkpoint if it was cut short).\n"
    << "#   submit:    sbatch " << script.string() << "\n"
    << "#   watch:     squeue --name=patchgd-" << job.sweep_name << "; tail "
    << (dir / "logs").string() << "/*.out\n"
    << "#   merge:     " << bin << " merge --db " << shell_quote(job.merge_db.string()) << " "
    << (dir / "shards").string() << "/cell-*.db   (any time; merging again converges)\n"
    << "#   resubmit:  " << bin << " runs unfinished " << shell_quote(dir.string())
    << "   (prints the sbatch --array=... line for the cells not done)\n"
    << "set -euo pipefail\n"
    << "CELL=\"${SLURM_ARRAY_TASK_ID:?run with sbatch, or set SLURM_ARRAY_TASK_ID}\"\n"
    << "# Relative paths in the configs (data, caches) mean what they meant where this was "
       "emitted.\n"
    << "cd " << shell_quote(job.work_dir.string()) << "\n"
    << sweep_command(job, dir);
  return s.str();
}

fs::path write_slurm_script(const SlurmJob& job, const SlurmOptions& options) {
  const std::string text = render_slurm_script(job, options);
  fs::create_directories(job.out_dir / "shards");
  fs::create_directories(job.out_dir / "logs");
  const fs::path path = job.out_dir / (job.sweep_name + ".sbatch");
  std::ofstream out(path);
  if (!out) throw std::runtime_error("slurm: cannot write " + path.string());
  out << text;
  out.close();
  fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  const nlohmann::json manifest = {{"sweep", job.sweep_name},
                                   {"sweep_file", job.sweep_file.string()},
                                   {"scale", job.scale},
                                   {"cells", job.cells},
                                   {"script", fs::absolute(path).string()}};
  std::ofstream(job.out_dir / "job.json") << manifest.dump(2) << "\n";
  return path;
}

UnfinishedCells unfinished_cells(const fs::path& job_dir) {
  const fs::path manifest_path = job_dir / "job.json";
  std::ifstream in(manifest_path);
  if (!in)
    throw std::runtime_error(
        manifest_path.string() +
        " does not exist: expected the folder written by `patchgd sweep --emit-slurm DIR`");
  nlohmann::json manifest;
  try {
    in >> manifest;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(manifest_path.string() + ": not valid JSON (" + e.what() + ")");
  }
  if (!manifest.contains("cells") || !manifest["cells"].is_number_integer() ||
      manifest["cells"].get<int64_t>() < 1)
    throw std::runtime_error(manifest_path.string() + ": key 'cells' must be a positive integer");
  UnfinishedCells out;
  out.cells = manifest["cells"].get<int64_t>();
  out.script = manifest.value("script", std::string());
  for (int64_t cell = 0; cell < out.cells; ++cell) {
    const fs::path shard = job_dir / "shards" / ("cell-" + std::to_string(cell) + ".db");
    bool finished = false;
    if (fs::exists(shard))
      for (const auto& run : store::ResultStore(shard).runs())
        finished = finished || (run.cell == cell && (run.status == "done" || run.status == "oom"));
    if (!finished) out.unfinished.push_back(cell);
  }
  return out;
}

std::string array_list(const std::vector<int64_t>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size();) {
    size_t j = i;
    while (j + 1 < cells.size() && cells[j + 1] == cells[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += std::to_string(cells[i]);
    if (j > i) out += "-" + std::to_string(cells[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace pgd::runner
