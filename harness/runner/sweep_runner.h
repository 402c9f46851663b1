#pragma once
// A sweep: expand the sweep file into cells, register them in the store, then claim and run
// pending cells one by one until none is left. Several processes may work one sweep at once.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/runner/run_observer.h"
#include "harness/store/result_store.h"

namespace pgd::runner {

struct SweepOptions {
  std::filesystem::path file;
  std::string scale = "smoke";
  std::vector<std::string> overrides;  // applied to every cell, after the sweep's own
  std::filesystem::path config_dir;    // empty = config::default_config_dir()
  // Also re-run failed, cancelled and stale runs of earlier invocations (never one this
  // invocation has just attempted), each until it has been attempted `max_attempts` times.
  bool resume = false;
  int64_t max_attempts = 3;              // 0 = no limit
  int64_t max_runs = 0;                  // stop after this many runs (0 = no limit)
  int64_t only_cell = -1;                // >= 0: run just this cell (a Slurm array task)
  int64_t stale_after_s = 120;           // a running run without heartbeat this long is abandoned
  std::filesystem::path checkpoint_dir;  // resumable checkpoints; empty = none
  // Threads per run when > 0, in place of each cell's `threads` (not part of the config hash:
  // how a run is executed, not what it is). Set by `--threads` and by `--workers`.
  int64_t threads = 0;
  // When this invocation began (the store's clock, db.now()); empty = when run_sweep starts.
  // Workers of one `--workers` invocation share it, so none retries a run another just failed.
  std::string invocation_started;
};

struct SweepReport {
  int64_t sweep_id = 0;
  int64_t cells = 0;
  int64_t ran = 0, done = 0, oom = 0, failed = 0, cancelled = 0;
  int64_t exhausted = 0;              // failed/cancelled runs --resume no longer retries
  std::vector<std::string> failures;  // "cell 3 (hash…): error"
};

// Called before each run with its cell index and overrides, so the CLI can announce it.
class SweepObserver : public RunObserver {
 public:
  virtual void on_run_start(int64_t cell, int64_t cells, const std::vector<std::string>& overrides,
                            const std::string& config_hash) {}
  virtual void on_run_end(int64_t cell, const std::string& status, const std::string& error) {}
};

// Marks runs of the sweep left `running` by a dead process on this host as failed
// ("abandoned"), so that --resume re-runs them at once. Returns how many.
int64_t release_abandoned_runs(store::ResultStore& db, int64_t sweep_id);

// Failed or cancelled runs among `runs` (of options.only_cell, when set) that --resume no longer
// retries: attempted options.max_attempts times. 0 without --resume or without a bound.
int64_t exhausted_runs(const std::vector<store::RunRecord>& runs, const SweepOptions& options);

// A sweep checked and recorded: its id, its cell count and each cell's overrides (for the log).
struct RegisteredSweep {
  int64_t sweep_id = 0;
  int64_t cells = 0;
  std::vector<std::vector<std::string>> overrides_by_cell;
  int64_t threads = 0;  // per run, as provenance records it (0 = the machine's default)
};

// Loads the sweep file, validates every cell (a typo in cell 37 must not surface hours in) and
// records the sweep and its runs (idempotent: existing runs are kept, as they are).
RegisteredSweep register_sweep(store::ResultStore& db, const SweepOptions& options);

// register_sweep, then claims and runs runs until none is left (or `stop`, or max_runs).
SweepReport run_sweep(store::ResultStore& db, const SweepOptions& options, SweepObserver* observer,
                      const std::atomic<bool>* stop);

}  // namespace pgd::runner
