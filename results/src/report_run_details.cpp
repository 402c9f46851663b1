// One section per run: what it was (setting, resolved config), where it was made (provenance),
// how it ended (status, error text) and how it learned (its curves).
#include <cstdio>
#include <map>

#include "results/src/cell_stats.h"
#include "results/src/html_writer.h"
#include "results/src/report_sections.h"

namespace pgd::results {
namespace {

std::string or_dash(const std::string& s) { return s.empty() ? "—" : s; }

std::string raw_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// <dl> from (term, text) pairs; the texts are escaped here.
std::string facts_list(const std::string& cls,
                       const std::vector<std::pair<std::string, std::string>>& facts) {
  std::string items;
  for (const auto& [term, text] : facts)
    items += text_element("dt", "", term) + text_element("dd", "", or_dash(text));
  return element("dl", attr("class", cls), items);
}

std::string setting_facts(const ReportRun& r) {
  const auto& rec = r.record;
  const auto batch = batch_used(r);
  const auto peak = measurement(r, "peak_memory");
  const auto best_epoch = summary_value(r, "best_epoch");
  std::string best = percent_text(summary_value(r, "best_accuracy"));
  if (best_epoch) best += " (epoch " + raw_number(*best_epoch) + ")";
  // In pairs that belong together: the page shows two pairs a line on a wide screen.
  return facts_list("facts",
                    {{"sweep", r.sweep.empty() ? "(single run)"
                                               : r.sweep + " · cell " + std::to_string(rec.cell)},
                     {"scale", r.scale},
                     {"method", config_text(r, "method.name")},
                     {"backbone", backbone_text(r)},
                     {"dataset", config_text(r, "dataset.name")},
                     {"image side", config_text(r, "dataset.image_size")},
                     {"memory cap", config_text(r, "memory.cap")},
                     {"batch used", batch ? raw_number(*batch) : ""},
                     {"peak memory", peak ? format_bytes(*peak) : ""},
                     {"time", run_duration(rec)},
                     {"best val. accuracy", best},
                     {"last val. accuracy", percent_text(summary_value(r, "last_accuracy"))},
                     {"started", rec.started_at},
                     {"finished", rec.finished_at},
                     {"seed", std::to_string(rec.seed)},
                     {"attempts", std::to_string(rec.attempts)},
                     {"config hash", rec.config_hash}});
}

std::string provenance_facts(const store::RunRecord& rec) {
  const auto& p = rec.provenance;
  const std::string commit =
      p.git_commit.empty() ? "" : p.git_commit + (p.git_dirty ? " (dirty tree)" : " (clean)");
  return facts_list("provenance", {{"commit", commit},
                                   {"host", p.host},
                                   {"owner", rec.owner},
                                   {"CPU", p.cpu_model},
                                   {"GPU", p.gpu_name.empty() ? "none (CPU)" : p.gpu_name},
                                   {"LibTorch", p.torch_version},
                                   {"threads", p.threads ? std::to_string(p.threads) : ""},
                                   {"patchgd", p.patchgd_version}});
}

// What went wrong, for the runs that did not finish well.
std::string error_block(const ReportRun& r) {
  const auto& rec = r.record;
  const bool oom = rec.status == store::RunStatus::Oom;
  if (rec.status != store::RunStatus::Failed && !oom && rec.error.empty()) return "";
  std::string text = rec.error;
  if (text.empty() && oom) {
    const auto peak = measurement(r, "peak_memory");
    text = "exceeded its memory cap" + (peak ? " (peak " + format_bytes(*peak) + ")" : "");
  }
  if (text.empty()) text = "(no error text recorded)";
  return element("div", attr("class", "error"),
                 text_element("h4", "", oom ? "Out of memory" : "Error") +
                     text_element("pre", "", text));
}

// Every summary metric and measurement, raw: what the tables were made from.
std::string values_table(const ReportRun& r) {
  std::string rows;
  auto add = [&](const std::string& kind, const std::map<std::string, double>& values) {
    for (const auto& [name, v] : values)
      rows += element("tr", "",
                      text_element("td", "", kind) + text_element("td", "", name) +
                          text_element("td", "", raw_number(v)));
  };
  add("metric", r.facts.summary);
  add("measurement", r.facts.measurements);
  if (rows.empty()) return "";
  return element(
      "details", "",
      text_element("summary", "", "Summary metrics and measurements") +
          element("div", attr("class", "scroll"), element("table", attr("class", "values"), rows)));
}

std::string run_section(const ReportRun& r) {
  const auto& rec = r.record;
  const std::string anchor = run_anchor(rec.id);
  std::string title = "Run " + std::to_string(rec.id) + " ";
  std::string out = element(
      "h3", "",
      html_escape(title) + status_badge(rec.status) + " " +
          text_element("small", "", config_text(r, "method.name") + " · " + backbone_text(r)));
  out += element("div", attr("class", "run-facts"), setting_facts(r) + provenance_facts(rec));
  out += error_block(r);
  out += curve_charts({&r}, anchor + "-curves", "Run " + std::to_string(rec.id));
  // Replacing invalid UTF-8 rather than throwing: one odd byte must not cost the whole page.
  const std::string config =
      rec.config.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  out += element("details", "",
                 text_element("summary", "", "Resolved config") +
                     text_element("pre", attr("class", "config"), config));
  out += values_table(r);
  out += element("p", "", element("a", attr("href", "#runs"), "↑ runs list"));
  return element("section", attr("id", anchor) + attr("class", "run"), out);
}

}  // namespace

std::string run_details_section(const std::vector<ReportRun>& runs) {
  std::string out = "<h2>Run details</h2>";
  if (runs.empty()) out += "<p>No runs.</p>";
  for (const auto& r : runs) out += run_section(r);
  return element("section", attr("id", "run-details"), out);
}

}  // namespace pgd::results
