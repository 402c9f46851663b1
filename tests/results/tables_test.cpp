// Rendering the paper's tables from a database the test builds through the store API.
#include <gtest/gtest.h>

#include <set>

#include "results/src/unknown_name_error.h"
#include "results/src/paper_reference.h"
#include "results/src/table_grid.h"
#include "results/src/tables.h"
#include "tests/results/results_test_db.h"

namespace pgd::results {
namespace {

class TablesTest : public testing::ResultsDbTest {
 protected:
  // The ultramnist table at scale paper, one cell of each kind:
  //   GD/ResNet50:        4 GB oom (peak 3.9 GiB)           16 GB done 80.5
  //   GD/MobileNetV2:     4 GB failed                       16 GB no runs
  //   PatchGD/ResNet50:   4 GB two seeds 91 and 92          16 GB batch 32: 93, batch 64: 95, a
  //   failed one PatchGD/MobileNetV2 4 GB pending                      16 GB oom without a peak
  // plus a mini sweep made later, so "the most recent scale" is mini.
  void fill() {
    const int64_t paper = sweep("ultramnist", "ultramnist", "paper");
    run(paper, config("gd", "resnet50", "4GB", 512), 42, "oom", {},
        {{"peak_memory", 3.9 * 1073741824.0}});
    run(paper, config("gd", "resnet50", "16GB", 512), 42, "done", {{"best_accuracy", 0.805}});
    run(paper, config("gd", "mobilenetv2", "4GB", 512), 42, "failed");
    run(paper, config("patchgd", "resnet50", "4GB", 512), 1, "done", {{"best_accuracy", 0.91}});
    run(paper, config("patchgd", "resnet50", "4GB", 512), 2, "done", {{"best_accuracy", 0.92}});
    run(paper, config("patchgd", "resnet50", "16GB", 512), 42, "done", {{"best_accuracy", 0.93}});
    run(paper, config("patchgd", "resnet50", "16GB", 512, {{"train.batch_size", 64}}), 42, "done",
        {{"best_accuracy", 0.95}});
    run(paper, config("patchgd", "resnet50", "16GB", 512, {{"train.batch_size", 128}}), 42,
        "failed");
    run(paper, config("patchgd", "mobilenetv2", "16GB", 512), 42, "oom");
    run(paper, config("patchgd", "mobilenetv2", "4GB", 512), 42, "pending");
    const int64_t mini = sweep("ultramnist-mini", "ultramnist", "mini");
    run(mini, config("patchgd", "resnet18", "768MB", 256), 42, "done", {{"best_accuracy", 0.5}});
    run(mini, config("gd", "resnet18", "768MB", 256), 42, "done", {{"best_accuracy", 0.25}});
    // A sweep of another table must not leak into this one.
    const int64_t other = sweep("panda", "panda", "paper");
    run(other, config("patchgd", "resnet50", "4GB", 512), 42, "done", {{"best_accuracy", 0.11}});
  }

  TableOptions options(const std::string& scale = "paper") {
    TableOptions o;
    o.scale = scale;
    o.out_dir = dir() / "out";
    return o;
  }

  std::filesystem::path reference_with_value() {
    return write_file(
        "ref.csv",
        "table,row,column,metric,value,source\n"
        "ultramnist,PatchGD / ResNet50,4 GB,best_accuracy,92.1,\"arXiv 2301.13817, Table 1\"\n"
        "ultramnist,GD / ResNet50,4 GB,best_accuracy,,arXiv 2301.13817 (values not available to "
        "us)\n");
  }
};

TEST_F(TablesTest, MarkdownCellsOfEveryKind) {
  fill();
  const std::string md = render_table(db(), "ultramnist", "md", options());
  EXPECT_NE(md.find("(scale: paper; images 512²; sweeps: ultramnist)"), std::string::npos) << md;
  EXPECT_EQ(testing::line_starting(md, "| Method"),
            "| Method | Backbone | 4 GB | paper | 16 GB | paper |");
  EXPECT_EQ(testing::line_starting(md, "| GD | ResNet50"),
            "| GD | ResNet50 | OOM (peak 3.9 GiB) | | 80.5 | |");
  EXPECT_EQ(testing::line_starting(md, "| GD | MobileNetV2"),
            "| GD | MobileNetV2 | failed | | — | |");
  EXPECT_EQ(testing::line_starting(md, "| PatchGD | ResNet50"),
            "| PatchGD | ResNet50 | 91.5 ± 6.4 (n=2) | | 95.0 | |");
  EXPECT_EQ(testing::line_starting(md, "| PatchGD | MobileNetV2"),
            "| PatchGD | MobileNetV2 | pending | | OOM | |");
  EXPECT_EQ(md.find("11.0"), std::string::npos) << "the panda sweep's run leaked in";
}

TEST_F(TablesTest, PublishedValueAppearsBesideItsCellOnlyWhereTheCsvHasOne) {
  fill();
  TableOptions o = options();
  o.reference_csv = reference_with_value();
  const std::string md = render_table(db(), "ultramnist", "md", o);
  EXPECT_EQ(testing::line_starting(md, "| PatchGD | ResNet50"),
            "| PatchGD | ResNet50 | 91.5 ± 6.4 (n=2) | 92.1 | 95.0 | |");
  EXPECT_EQ(testing::line_starting(md, "| GD | ResNet50"),
            "| GD | ResNet50 | OOM (peak 3.9 GiB) | | 80.5 | |");
}

TEST_F(TablesTest, LatexIsABooktabsTabularWithEscapedCells) {
  fill();
  TableOptions o = options();
  o.reference_csv = reference_with_value();
  const std::string tex = render_table(db(), "ultramnist", "latex", o);
  EXPECT_NE(tex.find("\\begin{tabular}{llrrrr}\n\\toprule\n"), std::string::npos) << tex;
  EXPECT_NE(tex.find("& & \\multicolumn{2}{c}{4 GB} & \\multicolumn{2}{c}{16 GB} \\\\\n"
                     "\\cmidrule(lr){3-4}\\cmidrule(lr){5-6}\n"
                     "Method & Backbone & ours & paper & ours & paper \\\\\n\\midrule\n"),
            std::string::npos)
      << tex;
  EXPECT_NE(tex.find("PatchGD & ResNet50 & 91.5 $\\pm$ 6.4 (n=2) & 92.1 & 95.0 &  \\\\\n"),
            std::string::npos)
      << tex;
  EXPECT_NE(tex.find("GD & MobileNetV2 & failed &  & --- &  \\\\\n"), std::string::npos) << tex;
  EXPECT_NE(tex.find("\\bottomrule\n\\end{tabular}\n"), std::string::npos) << tex;
  EXPECT_EQ(tex.find("±"), std::string::npos) << "raw Unicode left in LaTeX";
}

TEST_F(TablesTest, CsvHasOneLinePerCellWithRawNumbers) {
  fill();
  TableOptions o = options();
  o.reference_csv = reference_with_value();
  const auto rows = parse_csv(render_table(db(), "ultramnist", "csv", o), "table.csv");
  ASSERT_EQ(rows.size(), 1u + 4 * 2) << "header + 4 rows x 2 caps x 1 value";
  const std::vector<std::string> header = {"table",      "scale",       "row",
                                           "column",     "method.name", "backbone.name",
                                           "memory.cap", "metric",      "cell",
                                           "mean",       "std",         "ci95_half_width",
                                           "n",          "status",      "oom_peak_bytes",
                                           "best_run",   "paper"};
  EXPECT_EQ(rows[0], header);
  auto find = [&](const std::string& row, const std::string& col) {
    for (const auto& r : rows)
      if (r[2] == row && r[3] == col) return r;
    return std::vector<std::string>{};
  };
  const auto two_seeds = find("PatchGD / ResNet50", "4 GB");
  ASSERT_EQ(two_seeds.size(), header.size());
  EXPECT_EQ(two_seeds[8], "91.5 ± 6.4 (n=2)");
  EXPECT_EQ(two_seeds[9], "0.915");
  EXPECT_EQ(two_seeds[11].substr(0, 6), "0.0635");
  EXPECT_EQ(two_seeds[12], "2");
  EXPECT_EQ(two_seeds[13], "done");
  EXPECT_EQ(two_seeds[16], "92.1");
  const auto oom = find("GD / ResNet50", "4 GB");
  ASSERT_EQ(oom.size(), header.size());
  EXPECT_EQ(oom[13], "oom");
  EXPECT_EQ(oom[14], "4187593113.6");
  EXPECT_EQ(oom[16], "");
  EXPECT_EQ(find("GD / MobileNetV2", "16 GB")[13], "none");
}

TEST_F(TablesTest, MostRecentScaleIsTheDefault) {
  fill();
  const std::string md = render_table(db(), "ultramnist", "md", options(""));
  // The caption names the side actually run, so a mini table cannot pass for the paper's 512².
  EXPECT_NE(md.find("(scale: mini; images 256²; sweeps: ultramnist-mini)"), std::string::npos)
      << md;
  // Mini runs only: no paper layout, no published-value column.
  EXPECT_EQ(testing::line_starting(md, "| Method"), "| Method | Backbone | 768 MB |");
  EXPECT_EQ(testing::line_starting(md, "| GD | ResNet18"), "| GD | ResNet18 | 25.0 |");
  EXPECT_EQ(testing::line_starting(md, "| PatchGD | ResNet18"), "| PatchGD | ResNet18 | 50.0 |");
  EXPECT_EQ(testing::line_starting(md, "| GD | ResNet50"), "");
}

TEST_F(TablesTest, TableWithoutColumnKeysHasOneColumnPerValue) {
  const int64_t s = sweep("latency", "latency", "paper");
  run(s, config("gd", "resnet50", "none", 512), 42, "done", {},
      {{"train_latency_ms", 12.25},
       {"infer_latency_ms", 4.0},
       {"train_throughput", 81.6},
       {"infer_throughput", 250.0}});
  run(s, config("gd", "resnet50", "none", 512, {{"train.batch_size", 2}}), 42, "done", {},
      {{"train_latency_ms", 10.04},
       {"infer_latency_ms", 4.5},
       {"train_throughput", 99.6},
       {"infer_throughput", 222.2}});
  const std::string md = render_table(db(), "latency", "md", options());
  EXPECT_EQ(testing::line_starting(md, "| Resolution"),
            "| Resolution | Method | Training (ms/image) | paper | Inference (ms/image) | paper | "
            "Training (images/s) | paper | Inference (images/s) | paper |");
  // Each value takes its own best: min for latency, max for throughput.
  EXPECT_EQ(testing::line_starting(md, "| 512² | GD"),
            "| 512² | GD | 10.0 | | 4.0 | | 99.6 | | 250.0 | |");
  EXPECT_EQ(testing::line_starting(md, "| 4096² | PatchGD"),
            "| 4096² | PatchGD | — | | — | | — | | — | |");
}

TEST_F(TablesTest, UnknownTableAndFormatAreErrorsThatListTheValidNames) {
  try {
    render_table(db(), "imagenet", "md", options());
    FAIL() << "expected an error";
  } catch (const UnknownNameError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown table 'imagenet'"), std::string::npos) << what;
    EXPECT_NE(what.find("ablation-accumulation, ablation-head, ablation-sampling, equal-memory, "
                        "gigapixel, latency, memory-scaling, "
                        "needle, needle-resolution, panda, ultramnist"),
              std::string::npos)
        << what;
  }
  try {
    render_table(db(), "ultramnist", "html", options());
    FAIL() << "expected an error";
  } catch (const UnknownNameError& e) {
    EXPECT_NE(std::string(e.what()).find("md, latex, csv"), std::string::npos) << e.what();
  }
}

TEST_F(TablesTest, ReferenceNamingACellTheTableLacksIsAnError) {
  TableOptions o = options();
  o.reference_csv = write_file("ref.csv",
                               "table,row,column,metric,value,source\n"
                               "ultramnist,GD / ResNet51,4 GB,best_accuracy,,x\n");
  try {
    render_table(db(), "ultramnist", "md", o);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ref.csv:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("GD / ResNet51"), std::string::npos) << e.what();
  }
  o.reference_csv = write_file("bad.csv", "table,row,value\n");
  EXPECT_THROW(render_table(db(), "ultramnist", "md", o), std::runtime_error);
}

TEST_F(TablesTest, RenderTablesWritesEachFormatOfTablesThatHaveRuns) {
  fill();
  TableOptions o = options("");
  const auto files = render_tables(db(), o);
  std::set<std::string> names;
  for (const auto& f : files) {
    EXPECT_TRUE(std::filesystem::exists(f)) << f;
    names.insert(f.filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"panda-paper.md", "panda-paper.tex", "panda-paper.csv",
                                          "ultramnist-mini.md", "ultramnist-mini.tex",
                                          "ultramnist-mini.csv"}));
  o.table = "ablation-head";  // named: rendered even with no runs, in the paper's layout
  o.formats = {"md"};
  const auto one = render_tables(db(), o);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].filename(), "ablation-head-paper.md");
}

TEST_F(TablesTest, ShippedReferenceNamesEveryPaperCellOnceAndInventsNoValue) {
  const auto entries = read_paper_reference(default_reference_csv());
  std::set<std::vector<std::string>> in_csv;
  for (const auto& e : entries) {
    EXPECT_TRUE(in_csv.insert({e.table, e.row, e.column, e.metric}).second)
        << "twice: line " << e.line;
    EXPECT_EQ(e.value, "") << "line " << e.line
                           << ": the published numbers were not available to us";
    EXPECT_EQ(e.source, "arXiv 2301.13817 (values not available to us)") << "line " << e.line;
  }
  std::set<std::vector<std::string>> cells;
  for (const auto& name : table_names(default_templates_dir())) {
    const Grid g = build_grid(load_named_template(default_templates_dir(), name), "paper", {}, {},
                              entries, default_reference_csv());
    for (std::size_t r = 0; r < g.row_combos.size(); ++r)
      for (std::size_t c = 0; c < g.col_combos.size(); ++c)
        for (const auto& v : g.tmpl.values)
          cells.insert({name, g.row_key(r), g.col_key(c), v.name});
  }
  EXPECT_EQ(in_csv, cells);
}

}  // namespace
}  // namespace pgd::results
