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

}  // namespace

int64_t release_abandoned_runs(store::ResultStore& db, int64_t sweep_id) {
  int64_t n = 0;
  for (const auto& r : db.runs(sweep_id))
    if (r.status == "running" && owner_is_dead_here(r.owner)) {
      db.finish_run(r.id, "failed", "abandoned: its process " + r.owner + " died");
      ++n;
    }
  return n;
}

SweepReport run_sweep(store::ResultStore& db, const SweepOptions& options, SweepObserver* observer,
                      const std::atomic<bool>* stop) {
  const auto config_dir =
      options.config_dir.empty() ? config::default_config_dir() : options.config_dir;
  const auto file = config::resolve_sweep_file(options.file.string(), config_dir);
  const config::SweepPlan plan = config::load_sweep(file, options.scale, options.overrides, config_dir);
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

  SweepReport report;
  report.cells = static_cast<int64_t>(plan.cells.size());
  if (options.only_cell >= report.cells)
    throw config::ConfigError(file.string() + ": cell " + std::to_string(options.only_cell) +
                              " does not exist; the sweep has " + std::to_string(report.cells) + " cells");
  report.sweep_id = db.ensure_sweep(plan.name, file.string(), spec, plan.spec_hash);
  std::vector<std::vector<std::string>> overrides_by_cell(plan.cells.size());
  for (const auto& cell : plan.cells) {
    if (options.only_cell >= 0 && cell.index != options.only_cell) continue;
    db.ensure_run(report.sweep_id, cell.index, cell.config, cell.hash,
                  cell.config.value("seed", int64_t{0}));
    overrides_by_cell[static_cast<size_t>(cell.index)] = cell.overrides;
  }

  if (options.resume) {
    const int64_t released = release_abandoned_runs(db, report.sweep_id);
    if (released > 0 && observer)
      observer->on_message(std::to_string(released) + " run(s) abandoned by dead processes will be re-run");
  }
  const std::string owner = store::process_owner();
  const int64_t threads = plan.cells.empty() ? 0 : plan.cells.front().config.value("threads", int64_t{0});
  const store::Provenance provenance = current_provenance(threads);
  // A run this invocation attempts is never claimed again by it, or a cell that always fails
  // would be retried forever under --resume (each retry is for a later invocation).
  store::ClaimRules rules;
  rules.retry_unfinished = options.resume;
  rules.retry_started_before = db.now();
  rules.max_attempts = options.max_attempts;
  rules.stale_after_s = options.stale_after_s;
  rules.only_cell = options.only_cell;
  while (!(stop && stop->load())) {
    if (options.max_runs > 0 && report.ran >= options.max_runs) break;
    auto claimed = db.claim_next(report.sweep_id, owner, provenance, rules);
    if (!claimed) break;
    const auto cell = claimed->cell;
    if (observer)
      observer->on_run_start(cell, report.cells, overrides_by_cell.at(static_cast<size_t>(cell)),
                             claimed->config_hash);
    RunContext ctx{&db, claimed->id, observer, stop, options.checkpoint_dir.string()};
    const RunOutcome out = execute_run(claimed->config, ctx);
    ++report.ran;
    if (out.status == "done") ++report.done;
    else if (out.status == "oom") ++report.oom;
    else if (out.status == "cancelled") ++report.cancelled;
    else {
      ++report.failed;
      report.failures.push_back("cell " + std::to_string(cell) + " (" + claimed->config_hash.substr(0, 12) +
                                "): " + out.error);
    }
    if (observer) observer->on_run_end(cell, out.status, out.error);
  }
  if (options.resume && options.max_attempts > 0) {
    for (const auto& run : db.runs(report.sweep_id))
      if ((run.status == "failed" || run.status == "cancelled") && run.attempts >= options.max_attempts &&
          (options.only_cell < 0 || run.cell == options.only_cell))
        ++report.exhausted;
    if (report.exhausted > 0 && observer)
      observer->on_message(std::to_string(report.exhausted) + " failed run(s) were attempted " +
                           std::to_string(options.max_attempts) +
                           " times and are not retried (--max-attempts)");
  }
  return report;
}

}  // namespace pgd::runner
