// The only SQL in results/: a handful of read-only statements over sweeps, runs, metrics and
// measurements. Filtering by table and scale happens in C++ on the parsed spec, so no template
// text is ever spliced into SQL; the only values spliced in are integer ids.
#include "results/src/table_queries.h"

#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

namespace pgd::results {
namespace {

using Row = std::vector<std::optional<std::string>>;

const std::string& text(const Row& row, std::size_t i, const char* what) {
  if (i >= row.size() || !row[i])
    throw std::runtime_error(std::string("results query: column '") + what +
                             "' is NULL or missing");
  return *row[i];
}

std::string text_or(const Row& row, std::size_t i, const std::string& fallback) {
  return (i < row.size() && row[i]) ? *row[i] : fallback;
}

int64_t to_int(const std::string& s, const char* what) {
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str())
    throw std::runtime_error(std::string("results query: '") + what + "' = '" + s +
                             "' is not an integer");
  return v;
}

double to_double(const std::string& s, const char* what) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str())
    throw std::runtime_error(std::string("results query: '") + what + "' = '" + s +
                             "' is not a number");
  return v;
}

std::string id_list(const std::vector<int64_t>& ids) {
  std::string list;
  for (int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  return list;
}

// Fills summary metrics and measurements for runs selected by `run_filter` (an SQL condition on
// run_id built from integers only).
void attach_values(const store::ResultStore& db, const std::string& run_filter,
                   std::vector<RunFacts>& runs) {
  std::unordered_map<int64_t, RunFacts*> by_id;
  for (auto& r : runs) by_id[r.id] = &r;
  const auto metrics =
      db.query("SELECT run_id, name, value FROM metrics WHERE epoch = -1 AND split = 'val' AND " +
               run_filter + " ORDER BY run_id");
  for (const auto& row : metrics.rows) {
    if (!row[2]) continue;  // a NULL value is no value
    auto it = by_id.find(to_int(text(row, 0, "metrics.run_id"), "metrics.run_id"));
    if (it != by_id.end())
      it->second->summary[text(row, 1, "metrics.name")] = to_double(*row[2], "metrics.value");
  }
  const auto meas = db.query("SELECT run_id, name, value FROM measurements WHERE " + run_filter +
                             " ORDER BY run_id");
  for (const auto& row : meas.rows) {
    if (!row[2]) continue;
    auto it = by_id.find(to_int(text(row, 0, "measurements.run_id"), "measurements.run_id"));
    if (it != by_id.end())
      it->second->measurements[text(row, 1, "measurements.name")] =
          to_double(*row[2], "measurements.value");
  }
}

std::vector<RunFacts> runs_where(const store::ResultStore& db, const std::string& condition,
                                 const std::string& run_filter) {
  const auto result = db.query(
      "SELECT id, COALESCE(sweep_id, 0), status, COALESCE(seed, 0), config FROM runs WHERE " +
      condition + " ORDER BY id");
  std::vector<RunFacts> runs;
  runs.reserve(result.rows.size());
  for (const auto& row : result.rows) {
    RunFacts r;
    r.id = to_int(text(row, 0, "runs.id"), "runs.id");
    r.sweep_id = to_int(text(row, 1, "runs.sweep_id"), "runs.sweep_id");
    r.status = text(row, 2, "runs.status");
    r.seed = to_int(text(row, 3, "runs.seed"), "runs.seed");
    try {
      r.config = nlohmann::json::parse(text_or(row, 4, "{}"));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("results query: runs.config of run " + std::to_string(r.id) +
                               " is not JSON: " + e.what());
    }
    runs.push_back(std::move(r));
  }
  if (!runs.empty()) attach_values(db, run_filter, runs);
  return runs;
}

}  // namespace

std::vector<SweepInfo> load_sweeps(const store::ResultStore& db) {
  const auto result =
      db.query("SELECT id, name, spec, COALESCE(created_at, '') FROM sweeps ORDER BY id");
  std::vector<SweepInfo> sweeps;
  for (const auto& row : result.rows) {
    SweepInfo s;
    s.id = to_int(text(row, 0, "sweeps.id"), "sweeps.id");
    s.name = text_or(row, 1, "");
    s.created_at = text_or(row, 3, "");
    nlohmann::json spec;
    try {
      spec = nlohmann::json::parse(text_or(row, 2, "{}"));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("results query: sweeps.spec of sweep '" + s.name +
                               "' is not JSON: " + e.what());
    }
    if (spec.is_object()) {
      if (spec.contains("table") && spec["table"].is_string())
        s.table = spec["table"].get<std::string>();
      if (spec.contains("scale") && spec["scale"].is_string())
        s.scale = spec["scale"].get<std::string>();
    }
    sweeps.push_back(std::move(s));
  }
  return sweeps;
}

std::vector<RunFacts> load_runs(const store::ResultStore& db,
                                const std::vector<int64_t>& sweep_ids) {
  if (sweep_ids.empty()) return {};
  const std::string ids = id_list(sweep_ids);
  return runs_where(db, "sweep_id IN (" + ids + ")",
                    "run_id IN (SELECT id FROM runs WHERE sweep_id IN (" + ids + "))");
}

std::vector<RunFacts> load_all_runs(const store::ResultStore& db) {
  return runs_where(db, "1", "1");
}

std::vector<int64_t> runs_with_epoch_metrics(const store::ResultStore& db) {
  const auto result =
      db.query("SELECT DISTINCT run_id FROM metrics WHERE epoch >= 0 ORDER BY run_id");
  std::vector<int64_t> ids;
  for (const auto& row : result.rows)
    ids.push_back(to_int(text(row, 0, "metrics.run_id"), "metrics.run_id"));
  return ids;
}

std::vector<EpochPoint> epoch_metrics(const store::ResultStore& db, int64_t run_id) {
  const auto result = db.query(
      "SELECT epoch, split, name, value FROM metrics WHERE run_id = " + std::to_string(run_id) +
      " AND epoch >= 0 AND value IS NOT NULL ORDER BY epoch, split, name");
  std::vector<EpochPoint> points;
  for (const auto& row : result.rows) {
    EpochPoint p;
    p.epoch = to_int(text(row, 0, "metrics.epoch"), "metrics.epoch");
    p.split = text(row, 1, "metrics.split");
    p.name = text(row, 2, "metrics.name");
    p.value = to_double(text(row, 3, "metrics.value"), "metrics.value");
    points.push_back(std::move(p));
  }
  return points;
}

}  // namespace pgd::results
