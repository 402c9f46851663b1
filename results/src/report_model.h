#pragma once
// What the HTML report shows of each run: its record (status, error, provenance, times), the
// summary metrics and measurements the tables use, and its per-epoch metrics.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/store/result_store.h"
#include "results/src/table_queries.h"

namespace pgd::results {

struct ReportRun {
  store::RunRecord record;
  RunFacts facts;                  // summary metrics and measurements
  std::vector<EpochPoint> epochs;  // epoch >= 0, by epoch
  std::string sweep;               // its sweep's name; "" for a single run (`patchgd run`)
  std::string scale;               // its sweep's scale; "adhoc" for a single run
};

// The runs of the sweeps at `scale`, by id; every run (single runs too) when `scale` is empty.
std::vector<ReportRun> load_report_runs(const store::ResultStore& db, const std::string& scale);

// A config value as the tables print it ("512", "52MB", "gd"); "" when the key is missing.
std::string config_text(const ReportRun& run, const std::string& dotted);
// "resnet18" or "resnet18 ×0.25": the backbone with its width when that is not 1.
std::string backbone_text(const ReportRun& run);
// How long the last attempt took ("42 s", "5.2 min", "1.3 h"); "" when it has not finished.
std::string run_duration(const store::RunRecord& run);
// Seconds of that attempt; nullopt when it has not finished or a time does not parse.
std::optional<double> run_seconds(const store::RunRecord& run);
// The training batch the run used: the `batch_size` measurement, else what the batch search
// found, else the config's number; nullopt when none is known (e.g. "auto" that never ran).
std::optional<double> batch_used(const ReportRun& run);
// A summary metric or measurement; nullopt when absent.
std::optional<double> summary_value(const ReportRun& run, const std::string& name);
std::optional<double> measurement(const ReportRun& run, const std::string& name);

// The anchor of a run's section ("run-12"): what the runs list and the tables link to.
std::string run_anchor(int64_t run_id);

}  // namespace pgd::results
