// The renderers' view of the store: sweeps with their table and scale taken from the spec, and
// the store's typed run and metric rows. Filtering by table and scale happens in C++.
#include "results/src/table_queries.h"

namespace pgd::results {

std::vector<SweepInfo> load_sweeps(const store::ResultStore& db) {
  std::vector<SweepInfo> sweeps;
  for (const auto& row : db.sweep_rows()) {
    SweepInfo s;
    s.id = row.id;
    s.name = row.name;
    s.created_at = row.created_at;
    if (row.spec.is_object()) {
      if (row.spec.contains("table") && row.spec["table"].is_string())
        s.table = row.spec["table"].get<std::string>();
      if (row.spec.contains("scale") && row.spec["scale"].is_string())
        s.scale = row.spec["scale"].get<std::string>();
    }
    sweeps.push_back(std::move(s));
  }
  return sweeps;
}

std::vector<RunFacts> load_runs(const store::ResultStore& db,
                                const std::vector<int64_t>& sweep_ids) {
  if (sweep_ids.empty()) return {};
  return db.run_values(sweep_ids);
}

std::vector<RunFacts> load_all_runs(const store::ResultStore& db) {
  return db.run_values(std::nullopt);
}

std::vector<int64_t> runs_with_epoch_metrics(const store::ResultStore& db) {
  return db.runs_with_epoch_metrics();
}

std::vector<EpochPoint> epoch_metrics(const store::ResultStore& db, int64_t run_id) {
  return db.epoch_metrics(run_id);
}

}  // namespace pgd::results
