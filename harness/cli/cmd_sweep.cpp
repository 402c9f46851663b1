// patchgd sweep FILE.yaml [scale=...] [overrides] [--resume]: run every cell of a sweep.
#include <algorithm>
#include <iostream>

#include "harness/cli/cli_common.h"
#include "harness/cli/progress_printer.h"
#include "harness/cli/stop_signal.h"
#include "harness/config/compose.h"
#include "harness/config/sweep.h"
#include "harness/runner/config_validation.h"
#include "harness/runner/slurm_script.h"
#include "harness/runner/sweep_runner.h"

#include <unistd.h>
#include "harness/store/result_store.h"

namespace pgd::cli {
namespace {

std::filesystem::path self_binary() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::filesystem::path(std::string(buf, static_cast<size_t>(n))) : std::filesystem::path("patchgd");
}

int emit_slurm(const cxxopts::ParseResult& r, const runner::SweepOptions& so) {
  const auto dir = so.config_dir.empty() ? config::default_config_dir() : so.config_dir;
  const auto file = config::resolve_sweep_file(so.file.string(), dir);
  const auto plan = config::load_sweep(file, so.scale, so.overrides, dir);
  for (const auto& c : plan.cells) runner::validate_config(c.config);
  runner::SlurmJob job;
  job.binary = self_binary();
  job.sweep_file = std::filesystem::absolute(file);
  job.sweep_name = plan.name;
  job.scale = so.scale;
  job.overrides = so.overrides;
  job.cells = static_cast<int64_t>(plan.cells.size());
  job.out_dir = r["emit-slurm"].as<std::string>();
  runner::SlurmOptions o;
  o.partition = r["partition"].as<std::string>();
  o.gpus_per_task = r["gpus-per-task"].as<int64_t>();
  o.cpus_per_task = r["cpus-per-task"].as<int64_t>();
  o.mem = r["mem"].as<std::string>();
  o.time = r["time"].as<std::string>();
  const auto path = runner::write_slurm_script(job, o);
  std::cout << "wrote " << path.string() << " (" << job.cells << " array tasks); submit with: sbatch "
            << path.string() << "\nthen: patchgd merge --db results/results.db "
            << (job.out_dir / "shards").string() << "/cell-*.db" << std::endl;
  return 0;
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd sweep",
                          "Run a sweep file's cells (experiments/sweeps/*.yaml). `scale=smoke|default|mini|paper` picks the "
                          "size (default smoke); other key=value overrides apply to every cell.");
    add_db_option(opts);
    opts.add_options()("resume", "also re-run failed, cancelled and abandoned runs of earlier invocations (each at most "
                                 "once per invocation); done/oom runs are never repeated")(
        "max-attempts", "with --resume: a run already attempted this many times is not retried (0 = no limit)",
        cxxopts::value<int64_t>()->default_value("3"))(
        "max-runs", "stop after this many runs", cxxopts::value<int64_t>()->default_value("0"))(
        "cell", "run only this cell (what a Slurm array task does)", cxxopts::value<int64_t>()->default_value("-1"))(
        "checkpoint-dir", "resumable per-run checkpoints (default: checkpoints/ beside the database; 'none' to disable)",
        cxxopts::value<std::string>()->default_value(""))(
        "stale-after", "seconds without heartbeat after which a running run counts as abandoned",
        cxxopts::value<int64_t>()->default_value("120"))(
        "emit-slurm", "write an sbatch array script (one cell per task, one database shard each) into DIR; runs nothing",
        cxxopts::value<std::string>()->default_value(""))(
        "partition", "Slurm partition", cxxopts::value<std::string>()->default_value(""))(
        "gpus-per-task", "Slurm GPUs per task", cxxopts::value<int64_t>()->default_value("0"))(
        "cpus-per-task", "Slurm CPUs per task", cxxopts::value<int64_t>()->default_value("4"))(
        "mem", "Slurm memory per task", cxxopts::value<std::string>()->default_value("32G"))(
        "time", "Slurm time limit", cxxopts::value<std::string>()->default_value("24:00:00"))(
        "config-dir", "folder holding config.yaml and the groups", cxxopts::value<std::string>()->default_value(""))(
        "args", "FILE.yaml [scale=...] [key=value ...]", cxxopts::value<std::vector<std::string>>());
    opts.parse_positional({"args"});
    opts.positional_help("FILE.yaml [scale=smoke|default|mini|paper] [key=value ...]");
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    if (!r.count("args")) throw UsageError("patchgd sweep needs a sweep file\n" + opts.help());
    auto args = r["args"].as<std::vector<std::string>>();
    runner::SweepOptions so;
    so.file = args.front();
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].rfind("scale=", 0) == 0) so.scale = args[i].substr(6);
      else so.overrides.push_back(args[i]);
    }
    so.resume = r.count("resume") > 0;
    so.max_runs = r["max-runs"].as<int64_t>();
    so.max_attempts = r["max-attempts"].as<int64_t>();
    if (so.max_attempts < 0)
      throw UsageError("--max-attempts " + std::to_string(so.max_attempts) + ": expected 0 (no limit) or more");
    so.config_dir = r["config-dir"].as<std::string>();
    so.only_cell = r["cell"].as<int64_t>();
    so.stale_after_s = r["stale-after"].as<int64_t>();
    if (!r["emit-slurm"].as<std::string>().empty()) return emit_slurm(r, so);
    const std::string db_file = db_path(r);
    const std::string ck = r["checkpoint-dir"].as<std::string>();
    if (ck != "none")
      so.checkpoint_dir = ck.empty() ? std::filesystem::path(db_file).parent_path() / "checkpoints" : std::filesystem::path(ck);
    store::ResultStore db(db_file);
    const auto* stop = install_stop_handlers();
    ProgressPrinter printer;
    const auto rep = runner::run_sweep(db, so, &printer, stop);
    std::cout << "sweep " << so.file.string() << " (scale " << so.scale << "): " << rep.cells << " cells; ran "
              << rep.ran << ": " << rep.done << " done, " << rep.oom << " oom, " << rep.failed << " failed, "
              << rep.cancelled << " cancelled  (" << db.path().string() << ")" << std::endl;
    for (const auto& f : rep.failures) std::cout << "  failed " << f << std::endl;
    if (rep.cancelled > 0) return static_cast<int>(kCancelled);
    // Runs that --resume has given up on still leave the sweep incomplete: say so in the exit code.
    const int64_t failed = std::max(rep.failed, rep.exhausted);
    return failed == 0 ? kOk : runs_failed_exit(failed);
  });
}

}  // namespace pgd::cli
