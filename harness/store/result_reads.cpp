// ResultStore's typed reads for the renderers in results/: sweeps, runs with their summary
// values, per-epoch metrics. Every value is bound; ids are never spliced into the text.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "harness/store/result_store.h"
#include "harness/store/result_store_impl.h"

namespace pgd::store {
namespace {

using detail::Statement;

nlohmann::json parse_json_column(const Statement& s, int column, const std::string& what) {
  const std::string text = s.column_text(column);
  if (text.empty()) return nlohmann::json::object();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw StoreError("results database: " + what + " is not JSON: " + e.what());
  }
}

constexpr const char* kRunValuesSelect =
    "SELECT id, COALESCE(sweep_id, 0), status, COALESCE(seed, 0), config FROM runs";

RunValues read_run_values(const Statement& s) {
  RunValues r;
  r.id = s.column_int(0);
  r.sweep_id = s.column_int(1);
  r.status = stored_status(s.column_text(2));
  r.seed = s.column_int(3);
  r.config = parse_json_column(s, 4, "runs.config of run " + std::to_string(r.id));
  return r;
}

// Summary metrics and measurements of the runs `s` selects (columns run_id, name, value); of
// two rows with one name the later written wins.
void attach(Statement& s, std::unordered_map<int64_t, RunValues*>& by_id,
            std::map<std::string, double> RunValues::*field) {
  while (s.step()) {
    if (s.column_is_null(2)) continue;  // a NaN stored as NULL is no value
    const auto it = by_id.find(s.column_int(0));
    if (it != by_id.end()) (it->second->*field)[s.column_text(1)] = s.column_double(2);
  }
}

}  // namespace

std::vector<SweepRow> ResultStore::sweep_rows() const {
  Statement s =
      impl_->db.prepare("SELECT id, name, spec, COALESCE(created_at, '') FROM sweeps ORDER BY id");
  std::vector<SweepRow> out;
  while (s.step()) {
    SweepRow w;
    w.id = s.column_int(0);
    w.name = s.column_text(1);
    w.spec = parse_json_column(s, 2, "sweeps.spec of sweep '" + w.name + "'");
    w.created_at = s.column_text(3);
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<RunValues> ResultStore::run_values(
    const std::optional<std::vector<int64_t>>& sweep_ids) const {
  const auto& db = impl_->db;
  std::vector<RunValues> out;
  const std::string filter = sweep_ids ? " WHERE sweep_id = ?1" : "";
  Statement runs = db.prepare(std::string(kRunValuesSelect) + filter + " ORDER BY id");
  Statement metrics = db.prepare(
      "SELECT m.run_id, m.name, m.value FROM metrics m JOIN runs r ON r.id = m.run_id "
      "WHERE m.epoch = -1 AND m.split = 'val'" +
      std::string(sweep_ids ? " AND r.sweep_id = ?1" : "") + " ORDER BY m.rowid");
  Statement measurements = db.prepare(
      "SELECT m.run_id, m.name, m.value FROM measurements m JOIN runs r ON r.id = m.run_id" +
      std::string(sweep_ids ? " WHERE r.sweep_id = ?1" : "") + " ORDER BY m.rowid");
  // One pass per sweep (or one over everything): a run belongs to at most one sweep.
  const std::vector<int64_t> passes = sweep_ids ? *sweep_ids : std::vector<int64_t>{0};
  for (int64_t sweep : passes) {
    for (Statement* s : {&runs, &metrics, &measurements}) {
      s->reset();
      if (sweep_ids) s->bind_int(1, sweep);
    }
    const size_t first = out.size();
    while (runs.step()) out.push_back(read_run_values(runs));
    std::unordered_map<int64_t, RunValues*> by_id;
    for (size_t i = first; i < out.size(); ++i) by_id[out[i].id] = &out[i];
    attach(metrics, by_id, &RunValues::summary);
    attach(measurements, by_id, &RunValues::measurements);
  }
  std::sort(out.begin(), out.end(),
            [](const RunValues& a, const RunValues& b) { return a.id < b.id; });
  return out;
}

std::vector<int64_t> ResultStore::runs_with_epoch_metrics() const {
  Statement s =
      impl_->db.prepare("SELECT DISTINCT run_id FROM metrics WHERE epoch >= 0 ORDER BY run_id");
  std::vector<int64_t> ids;
  while (s.step()) ids.push_back(s.column_int(0));
  return ids;
}

std::vector<EpochMetric> ResultStore::epoch_metrics(int64_t run_id) const {
  Statement s = impl_->db.prepare(
      "SELECT epoch, split, name, value FROM metrics WHERE run_id = ?1 AND epoch >= 0 "
      "AND value IS NOT NULL ORDER BY epoch, split, name");
  s.bind_int(1, run_id);
  std::vector<EpochMetric> points;
  while (s.step())
    points.push_back({s.column_int(0), s.column_text(1), s.column_text(2), s.column_double(3)});
  return points;
}

}  // namespace pgd::store
