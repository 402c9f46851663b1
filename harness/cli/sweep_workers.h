#pragma once
// `patchgd sweep --workers N`: N processes of this binary claim runs of one sweep from one
// database at once (claims are atomic transactions, so no run is taken twice). Small models
// use two cores poorly within one run; two one-thread runs side by side finish sooner.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pgd::cli {

struct WorkerPlan {
  std::filesystem::path binary;   // this program
  std::vector<std::string> args;  // "sweep" and the invocation's arguments, without --workers
  int64_t workers = 2;
  int64_t threads_each = 1;
  std::string invocation_started;  // shared by all workers (see SweepOptions)
};

// `--workers` removed from argv (both `--workers N` and `--workers=N`).
std::vector<std::string> without_workers_option(const std::vector<std::string>& args);

// Starts the workers, each with `--threads`, `--started-at` and a `--worker-label wI` that
// prefixes its log lines; forwards one stop request (SIGINT/SIGTERM on us) to every worker as
// SIGTERM, so each ends its current run as cancelled; waits for all. Returns the worst exit
// code (the largest). Throws if a worker cannot be started (the started ones are stopped).
int run_sweep_workers(const WorkerPlan& plan, const std::atomic<bool>* stop);

}  // namespace pgd::cli
