#pragma once
// The sections of the HTML report, each a piece of HTML with its element ids (report.cpp puts
// them in the page). Every text from the database is escaped inside them.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "results/src/claims.h"
#include "results/src/report_model.h"
#include "results/src/table_grid.h"

namespace pgd::results {

// #claims: one row per claim with its verdict, estimate, evidence and reason.
std::string claims_section(const std::vector<ClaimResult>& claims);

// #tables: every table as `patchgd tables` lays it out, one <figure id="table-NAME"> each. A
// cell links to the section of its best run when that run is on the page (`run_ids`).
std::string tables_section(const std::vector<Grid>& grids, const std::set<int64_t>& run_ids);
// One table as an HTML <table> (multi-level header, paper column where the grid has one).
std::string grid_html(const Grid& grid, const std::set<int64_t>& run_ids);

// #plots: accuracy vs memory cap, peak memory and latency vs image side, learning curves per
// cell (the runs of one setting, seeds overlaid).
std::string plots_section(const std::vector<ReportRun>& runs);

// #runs: the runs list, sortable and filterable, each row linking to its run's section.
std::string runs_section(const std::vector<ReportRun>& runs);
// #run-details: one <section id="run-N"> per run: facts, provenance, error, curves, config.
std::string run_details_section(const std::vector<ReportRun>& runs);

// Accuracy and loss per epoch of `runs` (one setting, or one run): one colour per run,
// validation solid, training dashed. "" when no run has two epochs or more.
std::string curve_charts(const std::vector<const ReportRun*>& runs, const std::string& id,
                         const std::string& title);

// "12.3 %" / "—": a fraction as a percentage with one decimal.
std::string percent_text(std::optional<double> fraction);
// <span class="status status-done">done</span>
std::string status_badge(store::RunStatus status);
// <a href="#run-12">12</a>
std::string run_link(int64_t run_id);

}  // namespace pgd::results
