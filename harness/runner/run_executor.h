#pragma once
// One run: seed everything, build dataset and method under the memory cap, train for
// train.epochs with evaluation each epoch, measure latency/throughput, record everything.
#include <atomic>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/runner/run_observer.h"
#include "harness/store/result_store.h"

namespace pgd::runner {

struct RunOutcome {
  std::string status;  // done | oom | failed | cancelled
  std::string error;   // empty when done
  double best_accuracy = 0;
  double best_qwk = 0;
  uint64_t peak_bytes = 0;
};

// Thrown inside a run when `stop` is raised (SIGINT/SIGTERM): the run ends as `cancelled`.
struct RunCancelled : std::runtime_error {
  RunCancelled() : std::runtime_error("cancelled by signal") {}
};

struct RunContext {
  store::ResultStore* store = nullptr;
  int64_t run_id = 0;
  RunObserver* observer = nullptr;          // may be null
  const std::atomic<bool>* stop = nullptr;  // may be null
  // Where sweeps keep resumable checkpoints (<dir>/<config hash>.pt), deleted once the run is
  // done; empty = train.checkpoint_dir of the config (kept), or no checkpoints when null.
  std::string checkpoint_dir;
};

// Runs `config` (resolved) and writes metrics, predictions and measurements for ctx.run_id.
// Never throws for a failure of the run itself: OOM, bad data, NaN loss and cancellation
// come back as the outcome's status and error (also written with finish_run).
RunOutcome execute_run(const nlohmann::json& config, const RunContext& ctx);

}  // namespace pgd::runner
