// The page: head (style), the header (database, scale, time, run counts, code), then the
// sections, then the script. Writing is atomic so a reader never sees half a page.
#include "results/src/report.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "results/src/html_writer.h"
#include "results/src/report_page.h"
#include "results/src/report_sections.h"
#include "results/src/unknown_name_error.h"

namespace pgd::results {
namespace fs = std::filesystem;
namespace {

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

void check_scale(const store::ResultStore& db, const std::string& scale) {
  if (scale.empty()) return;
  const auto valid = report_scales(db);
  if (std::find(valid.begin(), valid.end(), scale) != valid.end()) return;
  std::string list;
  for (const auto& s : valid) list += (list.empty() ? "" : ", ") + s;
  throw UnknownNameError("unknown scale '" + scale + "'; valid scales: " + list);
}

// "47: 40 done, 3 oom, 4 failed"
std::string status_counts(const std::vector<ReportRun>& runs) {
  std::map<std::string, int> counts;
  for (const auto& r : runs) ++counts[store::to_string(r.record.status)];
  std::string out = std::to_string(runs.size());
  std::string parts;
  for (const auto& [status, n] : counts)
    parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  return parts.empty() ? out : out + ": " + parts;
}

// The source trees the runs came from: "3f2a1c9d4e5b (clean): 40 runs; … (dirty tree): 2 runs".
std::string code_versions(const std::vector<ReportRun>& runs) {
  std::map<std::string, int> counts;
  for (const auto& r : runs) {
    const auto& p = r.record.provenance;
    if (p.git_commit.empty()) continue;
    ++counts[p.git_commit.substr(0, 12) + (p.git_dirty ? " (dirty tree)" : " (clean)")];
  }
  std::string out;
  for (const auto& [commit, n] : counts)
    out +=
        (out.empty() ? "" : "; ") + commit + ": " + std::to_string(n) + (n == 1 ? " run" : " runs");
  return out.empty() ? "—" : out;
}

std::string page_header(const ReportOptions& opt, const std::vector<ReportRun>& runs) {
  std::string meta;
  const std::string scale =
      opt.scale.empty() ? "every scale (tables and claims: the newest scale of each)" : opt.scale;
  for (const auto& [term, value] : std::vector<std::pair<std::string, std::string>>{
           {"Database", opt.db_label},
           {"Scale", scale},
           {"Generated", opt.generated_at.empty() ? utc_now() : opt.generated_at},
           {"Runs", status_counts(runs)},
           {"Code", code_versions(runs)}})
    meta += text_element("dt", "", term) + text_element("dd", "", value);
  std::string nav;
  for (const auto& [id, label] :
       std::vector<std::pair<std::string, std::string>>{{"claims", "Claims"},
                                                        {"tables", "Tables"},
                                                        {"plots", "Plots"},
                                                        {"runs", "Runs"},
                                                        {"run-details", "Run details"}})
    nav += text_element("a", attr("href", "#" + id), label);
  return element("header", attr("id", "report-header"),
                 "<h1>PatchGD results</h1>" + element("dl", attr("class", "meta"), meta) +
                     element("nav", attr("id", "toc"), nav));
}

std::string page(const std::string& title, const std::string& header, const std::string& main) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         // An empty icon: without it a browser asks for /favicon.ico, which a file has not.
         "<link rel=\"icon\" href=\"data:,\">\n" +
         text_element("title", "", title) + "\n<style>" + report_css() +
         "</style>\n</head>\n<body>\n" + header + "\n<main>\n" + main + "\n</main>\n" +
         "<footer>Written by <code>patchgd report</code> from the results database; every number "
         "is computed from it (results/README.md).</footer>\n<script>" +
         report_script() + "</script>\n</body>\n</html>\n";
}

}  // namespace

std::vector<std::string> report_scales(const store::ResultStore& db) {
  std::set<std::string> scales = {"smoke", "default", "mini", "paper"};
  for (const auto& s : load_sweeps(db))
    if (!s.scale.empty()) scales.insert(s.scale);
  return {scales.begin(), scales.end()};
}

std::string report_html(const store::ResultStore& db, const ReportOptions& opt) {
  check_scale(db, opt.scale);
  const std::vector<ReportRun> runs = load_report_runs(db, opt.scale);
  std::set<int64_t> run_ids;
  for (const auto& r : runs) run_ids.insert(r.record.id);
  TableOptions to;
  to.scale = opt.scale;
  to.templates_dir = opt.templates_dir;
  to.reference_csv = opt.reference_csv;
  const auto claims = evaluate_claims(db, opt.claims, opt.scale);
  const std::string main =
      claims_section(claims) + "\n" + tables_section(table_grids(db, to), run_ids) + "\n" +
      plots_section(runs) + "\n" + runs_section(runs) + "\n" + run_details_section(runs);
  return page("PatchGD results: " + opt.db_label, page_header(opt, runs), main);
}

fs::path write_report(const store::ResultStore& db, const ReportOptions& opt) {
  if (opt.out_dir.empty()) throw std::runtime_error("write_report: out_dir is empty");
  const std::string html = report_html(db, opt);
  std::error_code ec;
  fs::create_directories(opt.out_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + opt.out_dir.string() + ": " + ec.message());
  const fs::path file = opt.out_dir / "index.html";
  const fs::path tmp = opt.out_dir / (".index.html." + std::to_string(::getpid()));
  std::ofstream out(tmp, std::ios::binary);
  out << html;
  out.close();
  if (!out) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, file, ec);
  if (ec) throw std::runtime_error("cannot write " + file.string() + ": " + ec.message());
  return file;
}

}  // namespace pgd::results
