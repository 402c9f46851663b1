#include "harness/runner/sweep_runner.h"

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/sweep.h"
#include "harness/runner/config_validation.h"
#include "harness/runner/provenance.h"
#include "harness/runner/run_executor.h"
#include "harness/store/provenance.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

namespace pgd::runner {
namespace {

std::string join_overrides(const std::vector<std::string>& o) {
  std::string out;
  for (size_t i = 0; i < o.size(); ++i) out += (i ? " " : "") + o[i];
  return out;
}

// owner is "host:pid"; true only when the host is this one and no such process exists.
bool owner_is_dead_here(const std::string& owner) {
  const auto colon = owner.rfind(':');
  if (colon == std::string::npos) return false;
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  if (owner.substr(0, colon) != host) return false;
  const long pid = std::strtol(owner.c_str() + colon + 1, nullptr, 10);
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

constexpr double kWaitPollSeconds = 5.0;

// The runs of the cell (or of any cell, cell < 0) that other processes hold as running.
std::vector<store::RunRecord> running_elsewhere(store::ResultStore& db, int64_t sweep_id,
                                                int64_t cell, const std::string& owner) {
  std::vector<store::RunRecord> out;
  for (auto& run : db.runs(sweep_id))
    if (run.status == "running" && run.owner != owner && (cell < 0 || run.cell == cell))
      out.push_back(std::move(run));
  return out;
}

void pause(double seconds, const std::atomic<bool>* stop) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until && !(stop && stop->load()))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace

int64_t exhausted_runs(const std::vector<store::RunRecord>& runs, const SweepOptions& options) {
  if (!options.resume || options.max_attempts <= 0) return 0;
  int64_t n = 0;
  for (const auto& run : runs)
    if ((run.status == "failed" || run.status == "cancelled") &&
        run.attempts >= options.max_attempts &&
        (options.only_cell < 0 || run.cell == options.only_cell))
      ++n;
  return n;
}

int64_t release_abandoned_runs(store::ResultStore& db, int64_t sweep_id) {
  int64_t n = 0;
  for (const auto& r : db.runs(sweep_id))
    if (r.status == "running" && owner_is_dead_here(r.owner)) {
      db.finish_run(r.id, "failed", "abandoned: its process " + r.owner + " died");
      ++n;
    }
  return n;
}

RegisteredSweep register_sweep(store::ResultStore& db, const SweepOptions& options) {
  const auto config_dir =
      options.config_dir.empty() ? config::default_config_dir() : options.config_dir;
  const auto file = config::resolve_sweep_file(options.file.string(), config_dir);
  const config::SweepPlan plan =
      config::load_sweep(file, options.scale, options.overrides, config_dir);
  // The table renderers find a sweep's table and scale at the top of its spec.
  nlohmann::json spec = plan.spec;
  spec["name"] = plan.name;
  spec["table"] = plan.table;
  spec["scale"] = plan.scale;

  // Every cell is checked before any is recorded: a typo in cell 37 must not surface hours in.
  for (const auto& cell : plan.cells) {
    try {
      validate_config(cell.config);
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(file.string() + ": cell " + std::to_string(cell.index) + " (" +
                                join_overrides(cell.overrides) + "): " + e.what());
    }
  }

  RegisteredSweep reg;
  reg.cells = static_cast<int64_t>(plan.cells.size());
  if (options.only_cell >= reg.cells)
    throw config::ConfigError(file.string() + ": cell " + std::to_string(options.only_cell) +
                              " does not exist; the sweep has " + std::to_string(reg.cells) +
                              " cells");
  reg.sweep_id = db.ensure_sweep(plan.name, file.string(), spec, plan.spec_hash);
  reg.overrides_by_cell.resize(plan.cells.size());
  for (const auto& cell : plan.cells) {
    if (options.only_cell >= 0 && cell.index != options.only_cell) continue;
    db.ensure_run(reg.sweep_id, cell.index, cell.config, cell.hash,
                  cell.config.value("seed", int64_t{0}));
    reg.overrides_by_cell[static_cast<size_t>(cell.index)] = cell.overrides;
  }
  // The threads recorded in provenance: the override, else the first cell's setting.
  reg.threads = options.threads > 0  ? options.threads
                : plan.cells.empty() ? 0
                                     : plan.cells.front().config.value("threads", int64_t{0});
  return reg;
}

SweepReport run_sweep(store::ResultStore& db, const SweepOptions& options, SweepObserver* observer,
                      const std::atomic<bool>* stop) {
  const RegisteredSweep reg = register_sweep(db, options);
  SweepReport report;
  report.sweep_id = reg.sweep_id;
  report.cells = reg.cells;
  const auto& overrides_by_cell = reg.overrides_by_cell;

  if (options.resume) {
    const int64_t released = release_abandoned_runs(db, report.sweep_id);
    if (released > 0 && observer)
      observer->on_message(std::to_string(released) +
                           " run(s) abandoned by dead processes will be re-run");
  }
  const std::string owner = store::process_owner();
  const store::Provenance provenance = current_provenance(reg.threads);
  // A run this invocation attempts is never claimed again by it, or a cell that always fails
  // would be retried forever under --resume (each retry is for a later invocation).
  store::ClaimRules rules;
  rules.retry_unfinished = options.resume;
  rules.retry_started_before =
      options.invocation_started.empty() ? db.now() : options.invocation_started;
  rules.max_attempts = options.max_attempts;
  rules.stale_after_s = options.stale_after_s;
  rules.only_cell = options.only_cell;
  bool announced_wait = false;
  while (!(stop && stop->load())) {
    if (options.max_runs > 0 && report.ran >= options.max_runs) break;
    auto claimed = db.claim_next(report.sweep_id, owner, provenance, rules);
    if (!claimed) {
      // A Slurm task resubmitted soon after its predecessor was killed finds the cell `running`
      // under the dead task: it waits until that row finishes or goes stale, then takes it over,
      // instead of ending at once with nothing run.
      if (options.only_cell < 0) break;
      const auto others = running_elsewhere(db, report.sweep_id, options.only_cell, owner);
      if (others.empty()) break;
      if (!announced_wait && observer)
        observer->on_message("cell " + std::to_string(options.only_cell) + " is running in " +
                             others[0].owner + " (last heartbeat " + others[0].heartbeat_at +
                             "); waiting until it ends, or until " + "its heartbeat is " +
                             std::to_string(options.stale_after_s) +
                             " s old (--stale-after) and then taking it over");
      announced_wait = true;
      pause(kWaitPollSeconds, stop);
      continue;
    }
    const auto cell = claimed->cell;
    if (observer)
      observer->on_run_start(cell, report.cells, overrides_by_cell.at(static_cast<size_t>(cell)),
                             claimed->config_hash);
    RunContext ctx{&db, claimed->id, observer, stop, options.checkpoint_dir.string()};
    nlohmann::json config = claimed->config;
    if (options.threads > 0) config["threads"] = options.threads;
    const RunOutcome out = execute_run(config, ctx);
    ++report.ran;
    if (out.status == "done")
      ++report.done;
    else if (out.status == "oom")
      ++report.oom;
    else if (out.status == "cancelled")
      ++report.cancelled;
    else {
      ++report.failed;
      report.failures.push_back("cell " + std::to_string(cell) + " (" +
                                claimed->config_hash.substr(0, 12) + "): " + out.error);
    }
    if (observer) observer->on_run_end(cell, out.status, out.error);
  }
  if (observer && !(stop && stop->load())) {
    const auto others = running_elsewhere(db, report.sweep_id, options.only_cell, owner);
    std::string owners;
    for (const auto& run : others)
      if (owners.find(run.owner) == std::string::npos)
        owners += (owners.empty() ? "" : ", ") + run.owner;
    if (!others.empty())
      observer->on_message(
          std::to_string(others.size()) + " run(s) of this sweep are running in other processes (" +
          owners + ") and were left to them; a run whose heartbeat stops for " +
          std::to_string(options.stale_after_s) + " s is taken over by the next invocation");
  }
  if (options.resume) report.exhausted = exhausted_runs(db.runs(report.sweep_id), options);
  if (report.exhausted > 0 && observer)
    observer->on_message(std::to_string(report.exhausted) + " failed run(s) were attempted " +
                         std::to_string(options.max_attempts) +
                         " times and are not retried (--max-attempts)");
  return report;
}

}  // namespace pgd::runner
