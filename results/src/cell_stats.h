#pragma once
// One table cell from the runs that fall into it: which runs count, which is "best", and how the
// result reads ("91.2 ± 0.4 (n=3)": mean ± 95 % CI half-width, "OOM (peak 3.9 GiB)", "failed",
// "—").
#include <string>
#include <vector>

#include "results/src/table_queries.h"
#include "results/src/table_template.h"

namespace pgd::results {

enum class CellKind {
  value,    // at least one done run has the value
  oom,      // no done run; at least one ran out of its memory cap
  failed,   // no done or oom run; at least one failed
  running,  // only runs still running (a sweep in progress)
  pending,  // only runs not started yet
  empty,    // no runs, or done runs without this value, or only cancelled ones
};

struct CellResult {
  CellKind kind = CellKind::empty;
  double best = 0;             // raw units (accuracy as a fraction, bytes, ms): mean over the seeds
  double spread = 0;           // sample standard deviation over those seeds (0 when n = 1)
  double half_width = 0;       // of the 95 % Student-t interval of the mean (NaN when n = 1)
  std::vector<double> values;  // the seeds' values behind `best` (for comparisons)
  int n = 0;                   // seeds behind `best`
  double oom_peak = -1;        // bytes: the largest peak_memory among the OOM runs; -1 when unknown
  int64_t best_run = 0;        // the first run of the best variant (for provenance in the CSV)
  int variants = 0;            // settings that had the value (the best is one of them)
  std::string setting;         // the best variant's setting, when the table names what to show
};

// Runs of one cell are grouped into variants (identical config but for the seed). Each variant's
// value is the mean over its seeds; the cell shows the best variant (max, or min for costs),
// with its seed count and 95 % confidence half-width (Student t). Seeds are averaged rather than
// maxed because picking the luckiest seed would overstate a method; "best" chooses between
// settings, not seeds.
CellResult aggregate_cell(const std::vector<const RunFacts*>& runs, const ValueSpec& value);

// The value in the table's unit and precision, e.g. 0.9123 (percent, 1) -> "91.2".
std::string format_value(double raw, const ValueSpec& value);
// The whole cell as Unicode text (renderers escape it for their format).
std::string format_cell(const CellResult& cell, const ValueSpec& value);
// Bytes as "3.9 GiB" (or MiB below 1 GiB, so small CPU caps stay readable).
std::string format_bytes(double bytes);
std::string cell_kind_name(CellKind kind);

}  // namespace pgd::results
