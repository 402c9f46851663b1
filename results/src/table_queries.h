#pragma once
// What the renderers read from the results database, as plain structs. Every SQL string of
// results/ lives in table_queries.cpp and goes through ResultStore::query.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/store/result_store.h"

namespace pgd::results {

struct SweepInfo {
  int64_t id = 0;
  std::string name;
  std::string table;  // spec.table: the paper table this sweep feeds ("" when none)
  std::string scale;  // spec.scale: smoke | default | mini | paper ("" when the spec has none)
  std::string created_at;
};

// A run with what the tables need: its config, status, summary metrics and measurements.
struct RunFacts {
  int64_t id = 0;
  int64_t sweep_id = 0;
  std::string status;
  int64_t seed = 0;
  nlohmann::json config;
  std::map<std::string, double> summary;  // metrics at epoch -1, split val (best_accuracy, ...)
  std::map<std::string, double> measurements;  // peak_memory, train_latency_ms, ...
};

struct EpochPoint {
  int64_t epoch = 0;
  std::string split;
  std::string name;
  double value = 0;
};

std::vector<SweepInfo> load_sweeps(const store::ResultStore& db);
// Runs of the given sweeps (none for an empty list), by id.
std::vector<RunFacts> load_runs(const store::ResultStore& db,
                                const std::vector<int64_t>& sweep_ids);
// Every run in the database, sweeps or not (for plots), by id.
std::vector<RunFacts> load_all_runs(const store::ResultStore& db);
// Ids of the runs that have per-epoch metrics, ascending.
std::vector<int64_t> runs_with_epoch_metrics(const store::ResultStore& db);
// Per-epoch metrics (epoch >= 0) of one run, by epoch.
std::vector<EpochPoint> epoch_metrics(const store::ResultStore& db, int64_t run_id);

}  // namespace pgd::results
