#pragma once
// `patchgd report`: one static HTML page per results database (index.html, SVG charts inline,
// a few lines of plain JavaScript to sort and filter the runs; nothing loaded from elsewhere).
// It shows, from the top: the database, scale and time of writing; the claims with their
// verdicts; every table as `patchgd tables` builds it; the figures; the runs list; and one
// section per run (config, provenance, error, curves).
#include <filesystem>
#include <string>
#include <vector>

#include "harness/store/result_store.h"
#include "results/src/claims.h"
#include "results/src/tables.h"

namespace pgd::results {

struct ReportOptions {
  std::filesystem::path out_dir;  // write_report writes <out_dir>/index.html
  // "" = every run; tables and claims each at the scale of their newest sweep (as `tables`).
  std::string scale;
  std::string db_label;           // the database as named at the top of the page
  std::vector<ClaimSpec> claims;  // judged on the page; none = the page says there are none
  std::filesystem::path templates_dir = default_templates_dir();
  std::filesystem::path reference_csv = default_reference_csv();
  std::string generated_at;  // "" = now (UTC); fixed by tests
};

// The scales a report may be asked for: smoke, default, mini, paper and any other scale a sweep
// in the database has, sorted.
std::vector<std::string> report_scales(const store::ResultStore& db);

// The page's HTML. Throws UnknownNameError naming the valid scales for an unknown scale.
std::string report_html(const store::ResultStore& db, const ReportOptions& opt);

// Writes <out_dir>/index.html (whole or not at all: a temporary file, then a rename) and returns
// its path. Throws naming the file when it cannot be written.
std::filesystem::path write_report(const store::ResultStore& db, const ReportOptions& opt);

}  // namespace pgd::results
