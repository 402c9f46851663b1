#include "harness/runner/slurm_script.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pgd::runner {
namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string render_slurm_script(const SlurmJob& job, const SlurmOptions& o) {
  if (job.cells < 1) throw std::invalid_argument("slurm: the sweep has no cells");
  const fs::path dir = fs::absolute(job.out_dir);
  std::ostringstream s;
  s << "#!/usr/bin/env bash\n"
    << "#SBATCH --job-name=patchgd-" << job.sweep_name << "\n"
    << "#SBATCH --array=0-" << job.cells - 1 << "\n"
    << "#SBATCH --output=" << (dir / "logs").string() << "/%x-%A_%a.out\n"
    << "#SBATCH --cpus-per-task=" << o.cpus_per_task << "\n"
    << "#SBATCH --mem=" << o.mem << "\n"
    << "#SBATCH --time=" << o.time << "\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (o.gpus_per_task > 0) s << "#SBATCH --gpus-per-task=" << o.gpus_per_task << "\n";
  for (const auto& d : o.extra_directives) s << "#SBATCH " << d << "\n";
  s << "#\n# Sweep " << job.sweep_name << " (scale " << job.scale << "), " << job.cells << " cells.\n"
    << "# Task i runs cell i into shards/cell-i.db; when all are done, merge them:\n"
    << "#   " << job.binary.string() << " merge --db results.db " << (dir / "shards").string() << "/cell-*.db\n"
    << "set -euo pipefail\n"
    << "CELL=\"${SLURM_ARRAY_TASK_ID:?run with sbatch, or set SLURM_ARRAY_TASK_ID}\"\n"
    << "exec " << shell_quote(job.binary.string()) << " sweep " << shell_quote(job.sweep_file.string())
    << " " << shell_quote("scale=" + job.scale);
  for (const auto& ov : job.overrides) s << " " << shell_quote(ov);
  s << " --cell \"$CELL\" --resume --db " << shell_quote((dir / "shards").string()) << "/cell-\"$CELL\".db"
    << " --checkpoint-dir " << shell_quote((dir / "checkpoints").string()) << "\n";
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
  return path;
}

}  // namespace pgd::runner
