// Aggregating a cell's runs and writing the cell's text.
#include "results/src/cell_stats.h"

#include "results/src/cell_setting.h"

#include "results/src/statistics.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace pgd::results {
namespace {

bool value_of(const RunFacts& run, const ValueSpec& v, double* out) {
  const auto& source = v.source == ValueSource::metric ? run.summary : run.measurements;
  auto it = source.find(v.name);
  if (it == source.end() || std::isnan(it->second)) return false;
  *out = it->second;
  return true;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  // "-0.0" reads as a sign error; a value that rounds to zero is zero.
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

double scaled(double raw, const std::string& format) {
  if (format == "percent") return raw * 100.0;
  if (format == "mib") return raw / 1048576.0;
  if (format == "gib") return raw / 1073741824.0;
  return raw;
}

}  // namespace

CellResult aggregate_cell(const std::vector<const RunFacts*>& runs, const ValueSpec& value) {
  CellResult cell;
  struct Variant {
    std::vector<double> values;
    int64_t first_run = 0;
  };
  std::map<std::string, Variant> variants;
  std::vector<std::string> order;  // first-seen order, so ties go to the earliest run
  bool any_oom = false, any_failed = false, any_running = false, any_pending = false;
  double oom_peak = -1;
  for (const RunFacts* run : runs) {
    const store::RunStatus s = run->status;
    if (s == store::RunStatus::Done) {
      double v;
      if (!value_of(*run, value, &v)) continue;
      const std::string key = variant_key(*run);
      auto [it, inserted] = variants.try_emplace(key);
      if (inserted) {
        it->second.first_run = run->id;
        order.push_back(key);
      }
      it->second.values.push_back(v);
    } else if (s == store::RunStatus::Oom) {
      any_oom = true;
      auto peak = run->measurements.find("peak_memory");
      if (peak != run->measurements.end() && peak->second > oom_peak) oom_peak = peak->second;
    } else if (s == store::RunStatus::Failed) {
      any_failed = true;
    } else if (s == store::RunStatus::Running) {
      any_running = true;
    } else if (s == store::RunStatus::Pending) {
      any_pending = true;
    }
  }
  if (!variants.empty()) {
    cell.variants = static_cast<int>(variants.size());
    bool have = false;
    for (const auto& key : order) {
      const Variant& var = variants.at(key);
      double sum = 0;
      for (double v : var.values) sum += v;
      const double mean = sum / var.values.size();
      const bool better = !have || (value.higher_is_better ? mean > cell.best : mean < cell.best);
      if (!better) continue;
      const MeanInterval ci = mean_interval(var.values);
      cell.kind = CellKind::value;
      cell.best = mean;
      cell.n = ci.n;
      cell.spread = ci.sd;
      cell.half_width = ci.half_width;
      cell.values = var.values;
      cell.best_run = var.first_run;
      have = true;
    }
    return cell;
  }
  if (any_oom) {
    cell.kind = CellKind::oom;
    cell.oom_peak = oom_peak;
  } else if (any_failed) {
    cell.kind = CellKind::failed;
  } else if (any_running) {
    cell.kind = CellKind::running;
  } else if (any_pending) {
    cell.kind = CellKind::pending;
  }
  return cell;
}

std::string format_value(double raw, const ValueSpec& value) {
  return fixed(scaled(raw, value.format), value.decimals);
}

std::string format_bytes(double bytes) {
  if (bytes >= 1073741824.0) return fixed(bytes / 1073741824.0, 1) + " GiB";
  return fixed(bytes / 1048576.0, 1) + " MiB";
}

std::string format_cell(const CellResult& cell, const ValueSpec& value) {
  switch (cell.kind) {
    case CellKind::value: {
      std::string s = format_value(cell.best, value);
      if (cell.n > 1)
        s += " ± " + fixed(scaled(cell.half_width, value.format), value.decimals) +
             " (n=" + std::to_string(cell.n) + ")";
      if (!cell.setting.empty()) s += " [" + cell.setting + "]";
      return s;
    }
    case CellKind::oom:
      return cell.oom_peak >= 0 ? "OOM (peak " + format_bytes(cell.oom_peak) + ")" : "OOM";
    case CellKind::failed:
      return "failed";
    case CellKind::running:
      return "running";
    case CellKind::pending:
      return "pending";
    case CellKind::empty:
      return "—";
  }
  throw std::logic_error("format_cell: unknown cell kind");
}

std::string cell_kind_name(CellKind kind) {
  switch (kind) {
    case CellKind::value:
      return "done";
    case CellKind::oom:
      return "oom";
    case CellKind::failed:
      return "failed";
    case CellKind::running:
      return "running";
    case CellKind::pending:
      return "pending";
    case CellKind::empty:
      return "none";
  }
  throw std::logic_error("cell_kind_name: unknown cell kind");
}

}  // namespace pgd::results
