// The runs list: one row per run with what a reader scans for (status, setting, batch, peak,
// time, best accuracy). Cells carry data-sort values so the page's script sorts numbers as
// numbers; the row's text is what the filter box matches.
#include <cstdio>
#include <map>

#include "results/src/cell_stats.h"
#include "results/src/html_writer.h"
#include "results/src/report_sections.h"

namespace pgd::results {
namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

// A cell with a sort key; `sort` empty sorts last.
std::string td(const std::string& inner_html, const std::string& sort) {
  return element("td", attr("data-sort", sort), inner_html);
}
std::string td_text(const std::string& text) { return td(html_escape(text), text); }
std::string td_number(std::optional<double> v, const std::string& shown) {
  return td(html_escape(v ? shown : "—"), v ? number_text(*v) : "");
}

std::string header_row() {
  std::string row;
  for (const char* h : {"Run", "Status", "Sweep", "Method", "Backbone", "Side", "Cap", "Seed",
                        "Batch", "Peak", "Time", "Best val. acc."})
    row += element("th", attr("scope", "col") + attr("title", "sort by this column"), h);
  return element("thead", "", element("tr", "", row));
}

std::string run_row(const ReportRun& r) {
  const auto& rec = r.record;
  const std::string side = config_text(r, "dataset.image_size");
  const auto batch = batch_used(r);
  const auto peak = measurement(r, "peak_memory");
  const auto secs = run_seconds(rec);
  const auto best = summary_value(r, "best_accuracy");
  std::string cells = td(run_link(rec.id), std::to_string(rec.id));
  cells += td(status_badge(rec.status), store::to_string(rec.status));
  cells += td_text(r.sweep.empty() ? "(single run)" : r.sweep);
  cells += td_text(config_text(r, "method.name"));
  cells += td_text(backbone_text(r));
  cells += td(html_escape(side), side);
  const std::string cap = config_text(r, "memory.cap");
  const double cap_bytes = parse_memory_size(cap);
  cells += td(html_escape(cap), cap_bytes > 0 ? number_text(cap_bytes) : "1e300");  // none: largest
  cells += td_text(std::to_string(rec.seed));
  cells += td_number(batch, batch ? number_text(*batch) : "");
  cells += td_number(peak, peak ? format_bytes(*peak) : "");
  cells += td_number(secs, run_duration(rec));
  cells += td_number(best, percent_text(best));
  return element("tr", attr("data-status", store::to_string(rec.status)), cells);
}

std::string status_filter(const std::vector<ReportRun>& runs) {
  std::map<std::string, int> counts;
  for (const auto& r : runs) ++counts[store::to_string(r.record.status)];
  std::string options = element("option", attr("value", ""), "all");
  for (const auto& [status, n] : counts)
    options +=
        text_element("option", attr("value", status), status + " (" + std::to_string(n) + ")");
  return element("label", "", "Status " + element("select", attr("id", "runs-status"), options));
}

}  // namespace

std::string percent_text(std::optional<double> fraction) {
  if (!fraction) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", *fraction * 100.0);
  return buf;
}

std::string status_badge(store::RunStatus status) {
  const std::string name = store::to_string(status);
  return text_element("span", attr("class", "status status-" + html_id(name)), name);
}

std::string run_link(int64_t run_id) {
  return text_element("a", attr("href", "#" + run_anchor(run_id)), std::to_string(run_id));
}

std::string runs_section(const std::vector<ReportRun>& runs) {
  std::string out = "<h2>Runs</h2>";
  if (runs.empty()) return element("section", attr("id", "runs"), out + "<p>No runs.</p>");
  out += element(
      "div", attr("class", "filters"),
      element("label", "",
              "Filter " + std::string("<input") + attr("id", "runs-filter") +
                  attr("type", "search") + attr("placeholder", "method, backbone, sweep, cap…") +
                  ">") +
          status_filter(runs) +
          text_element("span", attr("id", "runs-count"), std::to_string(runs.size()) + " runs"));
  std::string body;
  for (const auto& r : runs) body += run_row(r);
  out += element("div", attr("class", "scroll"),
                 element("table", attr("id", "runs-table") + attr("class", "runs"),
                         header_row() + element("tbody", "", body)));
  out +=
      "<p class=\"note\">Click a column's header to sort by it; a run's number leads to its "
      "config, provenance and curves. Batch: the training batch used (after the batch search). "
      "Time: the last attempt, start to finish.</p>";
  return element("section", attr("id", "runs"), out);
}

}  // namespace pgd::results
