// Loading the report's runs: one pass over the store's run records, the table renderers' facts
// (summary metrics, measurements) and each run's epoch metrics.
#include "results/src/report_model.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

#include "results/src/table_template.h"

namespace pgd::results {
namespace {

// "2024-05-01T12:34:56.789Z" -> seconds since the epoch (UTC); nullopt when it does not parse.
std::optional<double> parse_utc(const std::string& iso) {
  int y, mo, d, h, mi;
  double s;
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &s) != 6)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<double>(timegm(&tm)) + s;
}

std::string one_decimal(double v, const char* unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
  return buf;
}

}  // namespace

std::vector<ReportRun> load_report_runs(const store::ResultStore& db, const std::string& scale) {
  std::map<int64_t, const SweepInfo*> sweep_of;
  const std::vector<SweepInfo> sweeps = load_sweeps(db);
  for (const auto& s : sweeps) sweep_of[s.id] = &s;
  std::map<int64_t, RunFacts> facts;
  for (auto& f : load_all_runs(db)) facts[f.id] = std::move(f);

  std::vector<ReportRun> runs;
  for (auto& record : db.runs()) {
    ReportRun r;
    const auto it = sweep_of.find(record.sweep_id);
    r.sweep = it == sweep_of.end() ? "" : it->second->name;
    r.scale = it == sweep_of.end() ? "adhoc" : it->second->scale;
    if (!scale.empty() && r.scale != scale) continue;
    r.facts = facts[record.id];
    r.epochs = epoch_metrics(db, record.id);
    r.record = std::move(record);
    runs.push_back(std::move(r));
  }
  std::sort(runs.begin(), runs.end(),
            [](const ReportRun& a, const ReportRun& b) { return a.record.id < b.record.id; });
  return runs;
}

std::string config_text(const ReportRun& run, const std::string& dotted) {
  return canonical_json(json_at_path(run.record.config, dotted));
}

std::string backbone_text(const ReportRun& run) {
  const std::string name = config_text(run, "backbone.name");
  const std::string width = config_text(run, "backbone.width");
  return width.empty() || width == "1" ? name : name + " ×" + width;
}

std::optional<double> run_seconds(const store::RunRecord& run) {
  if (run.finished_at.empty() || run.started_at.empty()) return std::nullopt;
  const auto a = parse_utc(run.started_at), b = parse_utc(run.finished_at);
  if (!a || !b || *b < *a) return std::nullopt;
  return *b - *a;
}

std::string run_duration(const store::RunRecord& run) {
  const auto s = run_seconds(run);
  if (!s) return "";
  if (*s < 90) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f s", *s);
    return buf;
  }
  if (*s < 5400) return one_decimal(*s / 60, "min");
  return one_decimal(*s / 3600, "h");
}

std::optional<double> summary_value(const ReportRun& run, const std::string& name) {
  const auto it = run.facts.summary.find(name);
  return it == run.facts.summary.end() ? std::nullopt : std::optional<double>(it->second);
}

std::optional<double> measurement(const ReportRun& run, const std::string& name) {
  const auto it = run.facts.measurements.find(name);
  return it == run.facts.measurements.end() ? std::nullopt : std::optional<double>(it->second);
}

std::optional<double> batch_used(const ReportRun& run) {
  for (const char* name : {"batch_size", "auto_batch_size"})
    if (auto v = measurement(run, name)) return v;
  const std::string configured = config_text(run, "train.batch_size");
  char* end = nullptr;
  const double v = std::strtod(configured.c_str(), &end);
  if (configured.empty() || *end != '\0') return std::nullopt;
  return v;
}

std::string run_anchor(int64_t run_id) { return "run-" + std::to_string(run_id); }

}  // namespace pgd::results
