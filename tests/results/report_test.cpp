// The HTML report from a database shaped like `make reproduce`'s: every run, table, verdict and
// figure present, every link resolving, every database text escaped; an empty database still
// makes a page.
#include "results/src/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "results/src/tables.h"
#include "results/src/unknown_name_error.h"
#include "tests/support/report_fixture.h"

namespace pgd::results {
namespace {
namespace fs = std::filesystem;

std::set<std::string> matches(const std::string& html, const std::string& pattern) {
  std::set<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator();
       ++it)
    out.insert((*it)[1].str());
  return out;
}
std::set<std::string> ids(const std::string& html) { return matches(html, "\\sid=\"([^\"]*)\""); }
std::set<std::string> fragment_links(const std::string& html) {
  return matches(html, "href=\"#([^\"]*)\"");
}

// The text of the element with this id, up to its closing tag of the same name (no nesting of
// that tag inside, which holds for the sections looked at here).
std::string element_with_id(const std::string& html, const std::string& tag,
                            const std::string& id) {
  const std::size_t start = html.find("<" + tag + " id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  const std::size_t end = html.find("</" + tag + ">", start);
  return html.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("pgd_report_test_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    db_ = new store::ResultStore(*dir_ / "results.db");
    testing::ReportFixtureOptions o;
    o.seeds = 2;
    o.epochs = 4;
    fixture_ = new testing::ReportFixture(testing::build_report_fixture(*db_, o));
    html_ = new std::string(report_html(*db_, options()));
  }
  static void TearDownTestSuite() {
    delete html_;
    delete fixture_;
    delete db_;
    fs::remove_all(*dir_);
    delete dir_;
  }
  static ReportOptions options() {
    ReportOptions o;
    o.out_dir = *dir_ / "report";
    o.db_label = "results/<fixture>.db";
    o.claims = load_claims(default_claims_file());
    o.generated_at = "2026-12-03 09:00:00 UTC";
    return o;
  }
  static const std::string& html() { return *html_; }
  static const testing::ReportFixture& fixture() { return *fixture_; }
  static store::ResultStore& db() { return *db_; }
  static const fs::path& dir() { return *dir_; }

 private:
  static fs::path* dir_;
  static store::ResultStore* db_;
  static testing::ReportFixture* fixture_;
  static std::string* html_;
};
fs::path* ReportTest::dir_ = nullptr;
store::ResultStore* ReportTest::db_ = nullptr;
testing::ReportFixture* ReportTest::fixture_ = nullptr;
std::string* ReportTest::html_ = nullptr;

TEST_F(ReportTest, HeaderNamesTheDatabaseScaleAndTimeEscaped) {
  const std::string header = element_with_id(html(), "header", "report-header");
  ASSERT_FALSE(header.empty());
  EXPECT_NE(header.find("<dd>results/&lt;fixture&gt;.db</dd>"), std::string::npos) << header;
  EXPECT_NE(header.find("<dt>Scale</dt><dd>every scale"), std::string::npos) << header;
  EXPECT_NE(header.find("<dd>2026-12-03 09:00:00 UTC</dd>"), std::string::npos);
  EXPECT_NE(header.find("done"), std::string::npos);
  EXPECT_NE(header.find("029db8e4c1a7 (clean)"), std::string::npos) << header;
}

TEST_F(ReportTest, EveryRunHasARowLinkingToItsSection) {
  const auto all_ids = ids(html());
  const std::string list = element_with_id(html(), "table", "runs-table");
  ASSERT_FALSE(list.empty());
  ASSERT_GE(fixture().runs.size(), 30u);
  for (const int64_t id : fixture().runs) {
    const std::string anchor = "run-" + std::to_string(id);
    EXPECT_TRUE(all_ids.count(anchor)) << anchor;
    EXPECT_NE(list.find("href=\"#" + anchor + "\""), std::string::npos) << anchor;
  }
  EXPECT_EQ(matches(list, "<tr data-status=\"([a-z]+)\"").size(), 3u) << "done, oom, failed";
}

TEST_F(ReportTest, EveryInternalLinkResolves) {
  const auto all_ids = ids(html());
  const auto links = fragment_links(html());
  EXPECT_GT(links.size(), fixture().runs.size());
  for (const auto& l : links) EXPECT_TRUE(all_ids.count(l)) << "#" << l << " has no element";
  for (const char* section : {"claims", "tables", "plots", "runs", "run-details"})
    EXPECT_TRUE(links.count(section)) << "the contents should link to #" << section;
}

TEST_F(ReportTest, EveryTableTheTablesCommandBuildsIsThere) {
  TableOptions to;
  const auto grids = table_grids(db(), to);
  ASSERT_EQ(grids.size(), 4u) << "needle, needle-resolution, memory-scaling, latency";
  for (const auto& g : grids) {
    const std::string fig = element_with_id(html(), "figure", "table-" + g.tmpl.name);
    ASSERT_FALSE(fig.empty()) << g.tmpl.name;
    EXPECT_NE(fig.find("<table class=\"paper-table\">"), std::string::npos);
  }
  const std::string needle = element_with_id(html(), "figure", "table-needle");
  EXPECT_NE(needle.find("OOM <span class=\"n\">(peak 51.3 MiB)</span>"), std::string::npos)
      << needle;
  EXPECT_NE(needle.find("colspan=\"4\" scope=\"colgroup\">52 MB</th>"), std::string::npos)
      << needle;
}

TEST_F(ReportTest, PublishedValuesSitBesideTheirCellsAtThePaperScale) {
  // A paper-scale sweep of the ultramnist table, and a published value for one of its cells.
  const fs::path csv = dir() / "reference.csv";
  std::ofstream(csv)
      << "table,row,column,metric,value,source\n"
         "ultramnist,GD / ResNet50,4 GB,best_accuracy,67.3,arXiv 2301.13817 Table 1\n";
  store::ResultStore db(dir() / "paper.db");
  const nlohmann::json spec = {{"name", "ultramnist"}, {"table", "ultramnist"}, {"scale", "paper"}};
  const int64_t s = db.ensure_sweep("ultramnist", "x.yaml", spec, "p");
  nlohmann::json cfg = {{"method", {{"name", "gd"}}},
                        {"backbone", {{"name", "resnet50"}}},
                        {"memory", {{"cap", "4GB"}}},
                        {"dataset", {{"image_size", 512}}}};
  db.ensure_run(s, 0, cfg, "h", 1);
  ReportOptions o = options();
  o.reference_csv = csv;
  o.claims.clear();
  const std::string page = report_html(db, o);
  const std::string table = element_with_id(page, "figure", "table-ultramnist");
  EXPECT_NE(table.find("<td class=\"paper\">67.3</td>"), std::string::npos) << table;
  EXPECT_NE(table.find(">paper</th>"), std::string::npos) << table;
}

TEST_F(ReportTest, EachClaimHasItsVerdictAndEvidence) {
  const std::string claims = element_with_id(html(), "section", "claims");
  for (const auto& c : load_claims(default_claims_file()))
    EXPECT_NE(claims.find("id=\"claim-" + c.id + "\""), std::string::npos) << c.id;
  // 64² beats 16² by ~39 points in the fixture, as in results/README.md.
  const std::string row = element_with_id(html(), "tr", "claim-needle-needs-resolution");
  EXPECT_NE(row.find("verdict-reproduced"), std::string::npos) << row;
  EXPECT_NE(row.find("points"), std::string::npos) << row;
  const std::string latency = element_with_id(html(), "tr", "claim-latency-close");
  EXPECT_NE(latency.find("verdict-contradicted"), std::string::npos) << latency;
  EXPECT_NE(claims.find("id=\"claims-summary\""), std::string::npos);
}

TEST_F(ReportTest, RunSectionsShowConfigProvenanceErrorsAndCurves) {
  const std::string done =
      element_with_id(html(), "section", "run-" + std::to_string(fixture().done_run));
  ASSERT_FALSE(done.empty());
  for (const char* want :
       {"status-done", "Resolved config", "&quot;image_size&quot;: 64",
        "029db8e4c1a7f3b2d6e9a0c5b8f1e4d7a2c6b9e3", "<dt>host</dt><dd>bookworm</dd>",
        "Intel(R) Xeon(R) CPU @ 2.20GHz", "<dt>LibTorch</dt><dd>1.13.1</dd>",
        "<dt>GPU</dt><dd>none (CPU)</dd>", "-curves-accuracy", "84 s"})
    EXPECT_NE(done.find(want), std::string::npos) << want;
  EXPECT_EQ(done.find("class=\"error\""), std::string::npos);

  const std::string oom =
      element_with_id(html(), "section", "run-" + std::to_string(fixture().oom_run));
  EXPECT_NE(oom.find("<h4>Out of memory</h4><pre>out of memory: allocating 3.0 MiB"),
            std::string::npos)
      << oom;
  const std::string failed =
      element_with_id(html(), "section", "run-" + std::to_string(fixture().failed_run));
  EXPECT_NE(failed.find("<h4>Error</h4><pre>config error: dataset.image_size=8"), std::string::npos)
      << failed;
}

TEST_F(ReportTest, MarkupFromTheDatabaseIsEscapedEverywhere) {
  ASSERT_FALSE(fixture().hostile.empty());
  EXPECT_EQ(html().find(fixture().hostile), std::string::npos);
  EXPECT_EQ(html().find("<script>alert"), std::string::npos);
  EXPECT_EQ(html().find("<b>bold"), std::string::npos);
  const std::string failed =
      element_with_id(html(), "section", "run-" + std::to_string(fixture().failed_run));
  const std::string escaped = "&lt;script&gt;alert(\\&quot;pwned\\&quot;)&lt;/script&gt;";
  EXPECT_NE(failed.find(escaped), std::string::npos) << "config value (JSON-quoted)";
  EXPECT_NE(failed.find("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&amp;&lt;b&gt;bold"),
            std::string::npos)
      << "error text";
  EXPECT_EQ(html().find("<script"), html().rfind("<script")) << "the page's own script only";
}

TEST_F(ReportTest, FiguresCoverCapsSidesLatencyAndCurvesPerCell) {
  const std::string plots = element_with_id(html(), "section", "plots");
  ASSERT_FALSE(plots.empty());
  const std::string cap = plots.substr(plots.find("id=\"plots-memory-cap\""));
  EXPECT_NE(cap.find(">needle (default): ultramnist-needle 64², resnet18 ×0.25</text>"),
            std::string::npos);
  EXPECT_NE(cap.find(">no cap</text>"), std::string::npos);
  EXPECT_NE(cap.find("class=\"oom\""), std::string::npos) << "PatchGD under the cap";
  const std::string memory = plots.substr(plots.find("id=\"plots-memory\""));
  EXPECT_NE(memory.find(">memory-scaling (default): synthetic, resnet18 ×0.25, cap 256MB</text>"),
            std::string::npos);
  EXPECT_NE(memory.find("gd at 1024²: OOM (peak 243.9 MiB)"), std::string::npos);
  EXPECT_NE(memory.find("(MiB, log scale)"), std::string::npos);
  const std::string latency = plots.substr(plots.find("id=\"plots-latency\""));
  EXPECT_NE(latency.find("patchgd training"), std::string::npos);
  EXPECT_NE(latency.find("stroke-dasharray"), std::string::npos) << "inference dashed";
  const std::string curves = plots.substr(plots.find("id=\"plots-curves\""));
  const std::string chart = element_with_id(curves, "svg", "curves-cell-1-accuracy");
  EXPECT_NE(chart.find(">seed 1</text>"), std::string::npos) << chart;
  EXPECT_NE(chart.find(">seed 2</text>"), std::string::npos) << "seeds overlaid on one chart";
  EXPECT_NE(chart.find(">training</text>"), std::string::npos) << "line styles explained";
  for (const char* id : {"plot-cap-1", "plot-memory-1", "plot-latency-1"})
    EXPECT_TRUE(ids(plots).count(id)) << id;
}

TEST_F(ReportTest, AScaleKeepsItsRunsOnlyAndAnUnknownOneIsRefused) {
  ReportOptions o = options();
  o.scale = "default";
  const std::string page = report_html(db(), o);
  EXPECT_EQ(ids(page).count("run-" + std::to_string(fixture().single_run)), 0u) << "single run";
  EXPECT_EQ(ids(page).count("run-" + std::to_string(fixture().done_run)), 1u);
  o.scale = "huge";
  try {
    report_html(db(), o);
    FAIL() << "expected UnknownNameError";
  } catch (const UnknownNameError& e) {
    EXPECT_NE(std::string(e.what()).find("'huge'; valid scales: default, mini, paper, smoke"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(ReportTest, WritesIndexHtmlWholeAndNothingElse) {
  const fs::path file = write_report(db(), options());
  EXPECT_EQ(file, dir() / "report" / "index.html");
  std::stringstream ss;
  ss << std::ifstream(file).rdbuf();
  EXPECT_EQ(ss.str().substr(0, 15), "<!DOCTYPE html>");
  EXPECT_EQ(ss.str().substr(ss.str().size() - 8), "</html>\n");
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir() / "report")) files += e.is_regular_file();
  EXPECT_EQ(files, 1) << "no temporary file left";
}

TEST(ReportEmptyTest, AnEmptyDatabaseStillMakesAPage) {
  const fs::path dir =
      fs::temp_directory_path() / ("pgd_report_empty_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    store::ResultStore db(dir / "empty.db");
    ReportOptions o;
    o.db_label = "empty.db";
    const std::string page = report_html(db, o);
    for (const char* id : {"report-header", "claims", "tables", "plots", "runs", "run-details"})
      EXPECT_TRUE(ids(page).count(id)) << id;
    EXPECT_NE(page.find("No claims to judge."), std::string::npos);
    EXPECT_NE(page.find("No tables"), std::string::npos);
    EXPECT_NE(page.find("No runs."), std::string::npos);
    for (const auto& l : fragment_links(page)) EXPECT_TRUE(ids(page).count(l)) << l;
    o.claims = load_claims(default_claims_file());  // claims with no runs: inconclusive, no throw
    EXPECT_NE(report_html(db, o).find("verdict-inconclusive"), std::string::npos);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgd::results
