// patchgd sweep FILE.yaml [scale=...] [overrides] [--resume]: run every cell of a sweep.
#include <algorithm>
#include <iostream>
#include <map>

#include "harness/cli/cli_common.h"
#include "harness/cli/progress_printer.h"
#include "harness/cli/stop_signal.h"
#include "harness/cli/sweep_workers.h"
#include "harness/config/compose.h"
#include "harness/config/sweep.h"
#include "harness/runner/config_validation.h"
#include "harness/runner/slurm_script.h"
#include "harness/runner/sweep_runner.h"
#include "harness/runner/thread_count.h"

#include <unistd.h>
#include "harness/store/result_store.h"

namespace pgd::cli {
namespace {

std::filesystem::path self_binary() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::filesystem::path(std::string(buf, static_cast<size_t>(n)))
               : std::filesystem::path("patchgd");
}

int emit_slurm(const cxxopts::ParseResult& r, const runner::SweepOptions& so) {
  const auto dir = std::filesystem::absolute(so.config_dir.empty() ? config::default_config_dir()
                                                                   : so.config_dir);
  const auto file = config::resolve_sweep_file(so.file.string(), dir);
  const auto plan = config::load_sweep(file, so.scale, so.overrides, dir);
  bool sets_threads = so.threads > 0;
  for (const auto& c : plan.cells) {
    runner::validate_config(c.config);
    sets_threads = sets_threads || c.config.value("threads", int64_t{0}) > 0;
  }
  runner::SlurmJob job;
  job.binary = self_binary();
  job.sweep_file = std::filesystem::absolute(file);
  job.sweep_name = plan.name;
  job.scale = so.scale;
  job.overrides = so.overrides;
  if (so.threads > 0) job.overrides.push_back("threads=" + std::to_string(so.threads));
  job.threads_from_allocation = !sets_threads;
  job.cells = static_cast<int64_t>(plan.cells.size());
  job.out_dir = r["emit-slurm"].as<std::string>();
  job.config_dir = dir;
  job.work_dir = std::filesystem::current_path();
  job.merge_db = std::filesystem::absolute(db_path(r));
  runner::SlurmOptions o;
  o.partition = r["partition"].as<std::string>();
  o.gpus_per_task = r["gpus-per-task"].as<int64_t>();
  o.cpus_per_task = r["cpus-per-task"].as<int64_t>();
  if (o.cpus_per_task < 1)
    throw UsageError("--cpus-per-task " + std::to_string(o.cpus_per_task) + ": expected 1 or more");
  o.mem = r["mem"].as<std::string>();
  o.time = r["time"].as<std::string>();
  const auto path = runner::write_slurm_script(job, o);
  const auto shards = std::filesystem::absolute(job.out_dir) / "shards";
  std::cout << "wrote " << path.string() << " (" << job.cells << " array tasks)\n"
            << "submit:   sbatch " << path.string() << "\n"
            << "merge:    patchgd merge --db " << job.merge_db.string() << " " << shards.string()
            << "/cell-*.db\n"
            << "resubmit: patchgd runs unfinished "
            << std::filesystem::absolute(job.out_dir).string()
            << "  (the cells not done, as an sbatch --array= line)" << std::endl;
  return 0;
}

// The parent of `--workers N`: checks and records the sweep once (so a bad cell is reported
// once, before anything starts), then lets N copies of this command share its runs.
int start_workers(int argc, char** argv, int64_t workers, const runner::SweepOptions& so,
                  store::ResultStore& db, const std::atomic<bool>* stop) {
  if (so.only_cell >= 0)
    throw UsageError("--workers and --cell: a single cell is one run; drop --workers");
  if (so.max_runs > 0)
    throw UsageError(
        "--workers and --max-runs: --max-runs counts one process's runs; use one or the other");
  const auto reg = runner::register_sweep(db, so);
  WorkerPlan plan;
  plan.binary = self_binary();
  plan.args = without_workers_option(std::vector<std::string>(argv, argv + argc));
  plan.workers = workers;
  plan.threads_each =
      so.threads > 0 ? so.threads : std::max<int64_t>(1, runner::available_cpus() / workers);
  plan.invocation_started = so.invocation_started.empty() ? db.now() : so.invocation_started;
  std::cout << "sweep " << so.file.string() << " (scale " << so.scale << "): " << reg.cells
            << " cells; " << workers << " workers of " << plan.threads_each << " thread(s) each  ("
            << db.path().string() << ")" << std::endl;
  const int worst = run_sweep_workers(plan, stop);
  // The exit code a single process would give, counted over all workers from the database.
  std::map<std::string, int64_t> by_status;
  int64_t failed_now = 0;
  const auto runs = db.runs(reg.sweep_id);
  for (const auto& run : runs) {
    ++by_status[run.status];
    if (run.status == "failed" && run.started_at >= plan.invocation_started) ++failed_now;
  }
  const int64_t exhausted = runner::exhausted_runs(runs, so);
  std::cout << "sweep " << so.file.string() << ": all workers ended; runs now:";
  for (const auto& [status, n] : by_status) std::cout << " " << n << " " << status;
  std::cout << std::endl;
  if (worst == static_cast<int>(kCancelled) ||
      (worst != 0 && worst < static_cast<int>(kRunsFailedBase)))
    return worst;
  const int64_t failed = std::max(failed_now, exhausted);
  return failed == 0 ? worst : runs_failed_exit(failed);
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd sweep",
                          "Run a sweep file's cells (experiments/sweeps/*.yaml). "
                          "`scale=smoke|default|mini|paper` picks the "
                          "size (default smoke); other key=value overrides apply to every cell.");
    add_db_option(opts);
    opts.add_options()(
        "resume",
        "also re-run failed, cancelled and abandoned runs of earlier invocations (each at most "
        "once per invocation); done/oom runs are never repeated")(
        "max-attempts",
        "with --resume: a run already attempted this many times is not retried (0 = no limit)",
        cxxopts::value<int64_t>()->default_value("3"))(
        "max-runs", "stop after this many runs", cxxopts::value<int64_t>()->default_value("0"))(
        "cell", "run only this cell (what a Slurm array task does)",
        cxxopts::value<int64_t>()->default_value("-1"))(
        "checkpoint-dir",
        "resumable per-run checkpoints (default: checkpoints/ beside the database; 'none' to "
        "disable)",
        cxxopts::value<std::string>()->default_value(""))(
        "stale-after", "seconds without heartbeat after which a running run counts as abandoned",
        cxxopts::value<int64_t>()->default_value("120"))(
        "emit-slurm",
        "write an sbatch array script (one cell per task, one database shard each) into DIR; runs "
        "nothing",
        cxxopts::value<std::string>()->default_value(""))(
        "partition", "Slurm partition", cxxopts::value<std::string>()->default_value(""))(
        "gpus-per-task", "Slurm GPUs per task", cxxopts::value<int64_t>()->default_value("0"))(
        "cpus-per-task",
        "Slurm CPUs per task (each task's runs use them all unless threads= is set)",
        cxxopts::value<int64_t>()->default_value("2"))(
        "mem", "Slurm memory per task, e.g. 16G (default: the cluster's)",
        cxxopts::value<std::string>()->default_value(""))(
        "time", "Slurm time limit", cxxopts::value<std::string>()->default_value("24:00:00"))(
        "config-dir", "folder holding config.yaml and the groups",
        cxxopts::value<std::string>()->default_value(""))(
        "workers",
        "run this many runs at once, in as many processes (each with cores/N threads unless "
        "--threads)",
        cxxopts::value<int64_t>()->default_value("1"))(
        "threads",
        "threads per run, in place of each cell's `threads` (not part of the run's hash); 0 = the "
        "cell's",
        cxxopts::value<int64_t>()->default_value("0"))(
        "worker-label", "(set by --workers) prefix of this worker's log lines",
        cxxopts::value<std::string>()->default_value(""))(
        "started-at", "(set by --workers) when the invocation began, shared by its workers",
        cxxopts::value<std::string>()->default_value(""))(
        "args", "FILE.yaml [scale=...] [key=value ...]",
        cxxopts::value<std::vector<std::string>>());
    opts.parse_positional({"args"});
    opts.positional_help("FILE.yaml [scale=smoke|default|mini|paper] [key=value ...]");
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    if (!r.count("args")) throw UsageError("patchgd sweep needs a sweep file\n" + opts.help());
    auto args = r["args"].as<std::vector<std::string>>();
    runner::SweepOptions so;
    so.file = args.front();
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].rfind("scale=", 0) == 0)
        so.scale = args[i].substr(6);
      else
        so.overrides.push_back(args[i]);
    }
    so.resume = r.count("resume") > 0;
    so.max_runs = r["max-runs"].as<int64_t>();
    so.max_attempts = r["max-attempts"].as<int64_t>();
    if (so.max_attempts < 0)
      throw UsageError("--max-attempts " + std::to_string(so.max_attempts) +
                       ": expected 0 (no limit) or more");
    so.config_dir = r["config-dir"].as<std::string>();
    so.only_cell = r["cell"].as<int64_t>();
    so.stale_after_s = r["stale-after"].as<int64_t>();
    so.threads = r["threads"].as<int64_t>();
    if (so.threads < 0)
      throw UsageError("--threads " + std::to_string(so.threads) +
                       ": expected 0 (the cell's) or more");
    so.invocation_started = r["started-at"].as<std::string>();
    const int64_t workers = r["workers"].as<int64_t>();
    if (workers < 1 || workers > 256)
      throw UsageError("--workers " + std::to_string(workers) +
                       ": expected a number of processes from 1 to 256");
    if (!r["emit-slurm"].as<std::string>().empty()) return emit_slurm(r, so);
    const std::string db_file = db_path(r);
    const std::string ck = r["checkpoint-dir"].as<std::string>();
    if (ck != "none")
      so.checkpoint_dir = ck.empty() ? std::filesystem::path(db_file).parent_path() / "checkpoints"
                                     : std::filesystem::path(ck);
    store::ResultStore db(db_file);
    const auto* stop = install_stop_handlers();
    if (workers > 1) return start_workers(argc, argv, workers, so, db, stop);
    const std::string label = r["worker-label"].as<std::string>();
    ProgressPrinter printer(label.empty() ? "" : "[" + label + "] ");
    const auto rep = runner::run_sweep(db, so, &printer, stop);
    if (!label.empty()) std::cout << "[" << label << "] ";
    std::cout << "sweep " << so.file.string() << " (scale " << so.scale << "): " << rep.cells
              << " cells; ran " << rep.ran << ": " << rep.done << " done, " << rep.oom << " oom, "
              << rep.failed << " failed, " << rep.cancelled << " cancelled  (" << db.path().string()
              << ")" << std::endl;
    for (const auto& f : rep.failures) std::cout << "  failed " << f << std::endl;
    if (rep.cancelled > 0) return static_cast<int>(kCancelled);
    // Runs that --resume has given up on still leave the sweep incomplete: say so in the exit code.
    const int64_t failed = std::max(rep.failed, rep.exhausted);
    return failed == 0 ? kOk : runs_failed_exit(failed);
  });
}

}  // namespace pgd::cli
