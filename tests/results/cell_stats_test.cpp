// The cell rule: best setting, seeds averaged, and what a cell says when nothing finished.
#include <gtest/gtest.h>

#include "results/src/cell_stats.h"
#include "results/src/cell_setting.h"
#include "results/src/table_formats.h"

namespace pgd::results {
namespace {

RunFacts run(int64_t id, const std::string& status, int64_t seed, int batch,
             std::map<std::string, double> summary,
             std::map<std::string, double> measurements = {}) {
  RunFacts r;
  r.id = id;
  r.status = store::stored_status(status);
  r.seed = seed;
  r.config = {{"train", {{"batch_size", batch}}}, {"seed", seed}};
  r.summary = std::move(summary);
  r.measurements = std::move(measurements);
  return r;
}

ValueSpec accuracy() {
  ValueSpec v;
  v.name = "best_accuracy";
  v.format = "percent";
  v.decimals = 1;
  return v;
}

TEST(CellStats, SeedsAreAveragedAndTheBestSettingWins) {
  const auto a = run(1, "done", 1, 32, {{"best_accuracy", 0.91}});
  const auto b = run(2, "done", 2, 32, {{"best_accuracy", 0.92}});
  const auto c = run(3, "done", 1, 64, {{"best_accuracy", 0.90}});
  const CellResult cell = aggregate_cell({&a, &b, &c}, accuracy());
  ASSERT_EQ(cell.kind, CellKind::value);
  EXPECT_NEAR(cell.best, 0.915, 1e-12);
  EXPECT_EQ(cell.n, 2);
  EXPECT_EQ(cell.best_run, 1);
  // 95 % Student t with one degree of freedom: 12.706 × sd / √2 = 12.706 × 0.005.
  EXPECT_NEAR(cell.half_width, 0.0635310, 1e-6);
  EXPECT_EQ(format_cell(cell, accuracy()), "91.5 ± 6.4 (n=2)");
}

// A cell that chose between settings prints the chosen one's values beside its number.
TEST(CellStats, TheChosenSettingIsDescribed) {
  auto a = run(1, "done", 1, 32, {{"best_accuracy", 0.60}}, {{"batch_size", 4}});
  auto b = run(2, "done", 1, 64, {{"best_accuracy", 0.80}},
               {{"batch_size", 12}, {"peak_memory", 50.4 * 1048576}});
  b.config["method"] = {{"checkpoint", "stages"}};
  a.config["method"] = {{"checkpoint", "off"}};
  const CellResult cell = aggregate_cell({&a, &b}, accuracy());
  EXPECT_EQ(cell.best_run, 2);
  EXPECT_EQ(cell.variants, 2);
  std::vector<SettingItem> items(3);
  items[0] = {true, "method.checkpoint", "checkpoint", {"off"}, ""};
  items[1] = {false, "batch_size", "batch", {}, ""};
  items[2] = {false, "peak_memory", "peak", {}, "mib"};
  EXPECT_EQ(describe_setting(b, items), "checkpoint stages, batch 12, peak 50 MiB");
  EXPECT_EQ(describe_setting(a, items), "batch 4");  // off is hidden, no peak measured
  CellResult shown = cell;
  shown.setting = describe_setting(b, items);
  EXPECT_EQ(format_cell(shown, accuracy()), "80.0 [checkpoint stages, batch 12, peak 50 MiB]");
}

TEST(CellStats, CostsTakeTheMinimum) {
  ValueSpec latency;
  latency.source = ValueSource::measurement;
  latency.name = "train_latency_ms";
  latency.format = "ms";
  latency.decimals = 1;
  latency.higher_is_better = false;
  const auto a = run(1, "done", 1, 1, {}, {{"train_latency_ms", 12.25}});
  const auto b = run(2, "done", 1, 2, {}, {{"train_latency_ms", 10.04}});
  EXPECT_EQ(format_cell(aggregate_cell({&a, &b}, latency), latency), "10.0");
}

TEST(CellStats, OomShowsItsLargestPeakAndBeatsFailure) {
  const auto oom = run(1, "oom", 1, 32, {}, {{"peak_memory", 3.9 * 1073741824.0}});
  const auto oom_small = run(2, "oom", 1, 16, {}, {{"peak_memory", 3.0 * 1073741824.0}});
  const auto failed = run(3, "failed", 1, 8, {});
  EXPECT_EQ(format_cell(aggregate_cell({&failed, &oom, &oom_small}, accuracy()), accuracy()),
            "OOM (peak 3.9 GiB)");
  const auto oom_cpu = run(4, "oom", 1, 8, {}, {{"peak_memory", 95.5 * 1048576.0}});
  EXPECT_EQ(format_cell(aggregate_cell({&oom_cpu}, accuracy()), accuracy()), "OOM (peak 95.5 MiB)");
  const auto oom_unknown = run(5, "oom", 1, 8, {});
  EXPECT_EQ(format_cell(aggregate_cell({&oom_unknown}, accuracy()), accuracy()), "OOM");
}

TEST(CellStats, NothingFinishedReadsAsSuch) {
  const auto failed = run(1, "failed", 1, 8, {});
  const auto pending = run(2, "pending", 1, 8, {});
  const auto cancelled = run(3, "cancelled", 1, 8, {});
  const auto done_without = run(4, "done", 1, 8, {{"best_qwk", 0.5}});
  EXPECT_EQ(format_cell(aggregate_cell({&failed, &pending}, accuracy()), accuracy()), "failed");
  EXPECT_EQ(format_cell(aggregate_cell({&pending}, accuracy()), accuracy()), "pending");
  EXPECT_EQ(format_cell(aggregate_cell({&cancelled}, accuracy()), accuracy()), "—");
  EXPECT_EQ(format_cell(aggregate_cell({&done_without}, accuracy()), accuracy()), "—");
  EXPECT_EQ(format_cell(aggregate_cell({}, accuracy()), accuracy()), "—");
}

TEST(CellStats, UnitsOfTheFormats) {
  ValueSpec mib;
  mib.format = "mib";
  mib.decimals = 0;
  EXPECT_EQ(format_value(3.0 * 1048576.0, mib), "3");
  ValueSpec qwk;
  qwk.format = "fixed";
  qwk.decimals = 3;
  EXPECT_EQ(format_value(0.81234, qwk), "0.812");
  EXPECT_EQ(format_value(-0.0001, qwk), "0.000");  // no "-0.000"
}

TEST(LatexEscape, SpecialsAndUnicode) {
  EXPECT_EQ(latex_escape("a_b & 50% ± 1 — 512² ζ"),
            "a\\_b \\& 50\\% $\\pm$ 1 --- 512$^2$ $\\zeta$");
  EXPECT_EQ(latex_escape("{x}~^\\"),
            "\\{x\\}\\textasciitilde{}\\textasciicircum{}\\textbackslash{}");
}

}  // namespace
}  // namespace pgd::results
