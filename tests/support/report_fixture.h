#pragma once
// A results database shaped like the one `make reproduce` leaves (default scale): the needle
// sweep (GD and PatchGD under a 52 MB cap and without one; PatchGD runs out of memory under the
// cap), needle-resolution (with one failed run), memory-scaling (with an OOM at the largest
// side), latency, and one single run outside any sweep. Numbers follow results/README.md's
// measurements with a little seeded noise; curves are made up but shaped like real ones. Built
// through the store's public API, as the runner fills a database. For the report's tests and
// screenshots; not a result.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/store/result_store.h"

namespace pgd::testing {

struct ReportFixtureOptions {
  int seeds = 3;
  int epochs = 15;
  // A config value and an error text holding markup (`<script>…`), to check the page escapes.
  bool hostile_text = true;
};

struct ReportFixture {
  std::vector<int64_t> runs;  // every run, ascending
  int64_t done_run = 0;       // a finished needle GD run with curves
  int64_t oom_run = 0;        // a needle PatchGD run under the cap
  int64_t failed_run = 0;     // the needle-resolution run that failed
  int64_t single_run = 0;     // the run outside any sweep
  std::string hostile;        // the markup planted (empty without hostile_text)
};

ReportFixture build_report_fixture(store::ResultStore& db, const ReportFixtureOptions& opt);

}  // namespace pgd::testing
