// Claims judged on hand-made databases: each test kind comes out reproduced, contradicted and
// inconclusive for constructed cases, and a bad claims file names its key.
#include <gtest/gtest.h>

#include <cmath>

#include "results/src/claims.h"
#include "results_test_db.h"

namespace pgd::results {
namespace {

class ClaimsTest : public testing::ResultsDbTest {
 protected:
  std::vector<ClaimSpec> claims(const std::string& yaml) {
    return load_claims(write_file("claims.yaml", yaml));
  }

  ClaimResult judge(const std::string& yaml, const std::string& scale = "") {
    const auto results = evaluate_claims(db(), claims(yaml), scale);
    EXPECT_EQ(results.size(), 1u);
    return results.at(0);
  }

  // Three seeds of GD and PatchGD under a cap, with the given accuracies.
  void accuracies(const std::string& scale, const std::vector<double>& gd,
                  const std::vector<double>& pgd, double gd_batch = 2) {
    const int64_t s = sweep("needle-" + scale, "needle", scale);
    for (size_t i = 0; i < gd.size(); ++i)
      run(s, config("gd", "resnet18", "256MB", 64), static_cast<int64_t>(i + 1), "done",
          {{"best_accuracy", gd[i]}}, {{"auto_batch_size", gd_batch}});
    for (size_t i = 0; i < pgd.size(); ++i)
      run(s, config("patchgd", "resnet18", "256MB", 64), static_cast<int64_t>(i + 1), "done",
          {{"best_accuracy", pgd[i]}});
  }
};

const char* kTightCap = R"(claims:
  - id: tight
    claim: PatchGD beats GD under a cap that binds GD
    sweep: needle
    value: {metric: best_accuracy, format: percent}
    test: difference
    a: {method.name: patchgd, memory.cap: min}
    b: {method.name: gd, memory.cap: min}
    a_label: PatchGD
    b_label: GD
    expect: a > b
    requires: {side: b, measurement: auto_batch_size, at_most: 4}
)";

TEST_F(ClaimsTest, DifferenceReproducedContradictedInconclusive) {
  accuracies("clear-win", {0.50, 0.52, 0.51}, {0.80, 0.82, 0.81});
  accuracies("clear-loss", {0.80, 0.82, 0.81}, {0.50, 0.52, 0.51});
  accuracies("overlap", {0.50, 0.70, 0.60}, {0.55, 0.75, 0.58});

  const ClaimResult win = judge(kTightCap, "clear-win");
  EXPECT_EQ(win.verdict, Verdict::reproduced) << win.reason;
  EXPECT_NEAR(win.estimate, 0.30, 1e-12);
  EXPECT_TRUE(win.has_interval);
  EXPECT_GT(win.low, 0);
  EXPECT_EQ(win.n_a, 3);
  EXPECT_EQ(win.n_b, 3);
  EXPECT_NE(win.evidence.find("PatchGD 81.0 ± 2.5 (n=3) vs GD 51.0 ± 2.5 (n=3)"), std::string::npos)
      << win.evidence;

  EXPECT_EQ(judge(kTightCap, "clear-loss").verdict, Verdict::contradicted);
  const ClaimResult overlap = judge(kTightCap, "overlap");
  EXPECT_EQ(overlap.verdict, Verdict::inconclusive);
  EXPECT_LT(overlap.low, 0);
  EXPECT_GT(overlap.high, 0);
}

const char* kEqualMemory = R"(claims:
  - id: equal
    claim: PatchGD at its best setting is at least as accurate as GD at its best
    sweep: equal-memory
    value: {metric: last_accuracy, format: percent}
    test: difference
    a: {method.name: patchgd, memory.cap: min}
    b: {method.name: gd, memory.cap: min}
    a_label: PatchGD
    b_label: GD
    expect: a > b
    margin: 0.02
    best_variant: true
    setting:
      - {key: method.checkpoint, label: checkpoint, hide: ["off"]}
      - {measurement: batch_size, label: batch}
)";

// Each side is judged on its best setting only (three seeds each): GD's checkpointed setting
// (0.70) beats its plain one (0.40), so PatchGD's 0.71 is within the margin of 0.70, not far
// above a pool of both GD settings.
TEST_F(ClaimsTest, BestVariantComparesEachSideAtItsBestSetting) {
  const int64_t s = sweep("equal-memory-mini", "equal-memory", "mini");
  const auto add = [&](const std::string& method, const std::string& checkpoint, double batch,
                       const std::vector<double>& acc) {
    for (size_t i = 0; i < acc.size(); ++i)
      run(s, config(method, "resnet18", "52MB", 64, {{"method.checkpoint", checkpoint}}),
          static_cast<int64_t>(i + 1), "done", {{"last_accuracy", acc[i]}},
          {{"batch_size", batch}});
  };
  add("gd", "off", 4, {0.40, 0.41, 0.39});
  add("gd", "stages", 12, {0.70, 0.71, 0.69});
  add("patchgd", "off", 8, {0.71, 0.72, 0.70});
  const ClaimResult r = judge(kEqualMemory, "mini");
  EXPECT_EQ(r.n_b, 3);
  EXPECT_NEAR(r.estimate, 0.01, 1e-9);
  EXPECT_EQ(r.b_setting, "checkpoint stages, batch 12");
  EXPECT_EQ(r.a_setting, "batch 8");
  EXPECT_NE(r.evidence.find("[best of 2 settings: checkpoint stages, batch 12]"), std::string::npos)
      << r.evidence;
  EXPECT_EQ(r.verdict, Verdict::reproduced) << r.reason;  // +1 point, interval above −2
}

TEST_F(ClaimsTest, NeverAVerdictFromOneSeed) {
  accuracies("one-seed", {0.10}, {0.90});
  const ClaimResult r = judge(kTightCap, "one-seed");
  EXPECT_EQ(r.verdict, Verdict::inconclusive);
  EXPECT_FALSE(r.has_interval);
  EXPECT_NE(r.reason.find("fewer than two"), std::string::npos) << r.reason;
}

TEST_F(ClaimsTest, UnmetPreconditionMakesItInconclusive) {
  accuracies("loose", {0.50, 0.52, 0.51}, {0.80, 0.82, 0.81}, /*gd_batch=*/32);
  const ClaimResult r = judge(kTightCap, "loose");
  EXPECT_EQ(r.verdict, Verdict::inconclusive);
  EXPECT_NE(r.reason.find("precondition not met"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("reproduced"), std::string::npos)
      << "says what the comparison alone gave";
}

TEST_F(ClaimsTest, MinPicksTheTightestCapAndNoneIsPassedOver) {
  const int64_t s = sweep("needle", "needle", "default");
  for (int seed = 1; seed <= 2; ++seed) {
    run(s, config("gd", "resnet18", "none", 64), seed, "done", {{"best_accuracy", 0.9}},
        {{"auto_batch_size", 32}});
    run(s, config("patchgd", "resnet18", "none", 64), seed, "done", {{"best_accuracy", 0.1}});
    run(s, config("gd", "resnet18", "1GB", 64), seed, "done", {{"best_accuracy", 0.9}},
        {{"auto_batch_size", 32}});
    run(s, config("patchgd", "resnet18", "1GB", 64), seed, "done", {{"best_accuracy", 0.1}});
    run(s, config("gd", "resnet18", "300MB", 64), seed, "done",
        {{"best_accuracy", 0.2 + 0.01 * seed}}, {{"auto_batch_size", 2}});
    run(s, config("patchgd", "resnet18", "300MB", 64), seed, "done",
        {{"best_accuracy", 0.8 + 0.01 * seed}});
  }
  const ClaimResult r = judge(kTightCap);
  EXPECT_EQ(r.scale, "default");
  EXPECT_EQ(r.verdict, Verdict::reproduced) << r.reason;
  EXPECT_NEAR(r.estimate, 0.6, 1e-12);
}

TEST_F(ClaimsTest, OomRunsAreCountedNotAveraged) {
  const int64_t s = sweep("needle", "needle", "default");
  for (int seed = 1; seed <= 3; ++seed) {
    run(s, config("gd", "resnet18", "256MB", 64), seed, "oom", {}, {{"peak_memory", 3e8}});
    run(s, config("patchgd", "resnet18", "256MB", 64), seed, "done", {{"best_accuracy", 0.8}});
  }
  const ClaimResult r = judge(kTightCap);
  EXPECT_EQ(r.verdict, Verdict::inconclusive);
  EXPECT_NE(r.evidence.find("GD no finished runs, 3 OOM"), std::string::npos) << r.evidence;
}

const char* kMemory = R"(claims:
  - id: memory
    claim: PatchGD's peak memory grows more slowly with the side
    sweep: memory-scaling
    value: {measurement: peak_memory, format: mib}
    test: slope
    x: dataset.image_size
    a: {method.name: patchgd}
    b: {method.name: gd}
    expect: a < b
)";

TEST_F(ClaimsTest, SlopeOfLogPeakOnLogSide) {
  const int64_t s = sweep("memory-scaling", "memory-scaling", "default");
  int seed = 0;
  for (int side : {64, 128, 256, 512}) {
    // GD ∝ side², PatchGD ∝ side^0.5 (with a little noise so the intervals have width).
    const double wobble = 1.0 + 0.01 * (side % 3);
    run(s, config("gd", "resnet18", "none", side), ++seed, "done", {},
        {{"peak_memory", 1e3 * side * side * wobble}});
    run(s, config("patchgd", "resnet18", "none", side), ++seed, "done", {},
        {{"peak_memory", 1e6 * std::sqrt(side) * wobble}});
  }
  const ClaimResult r = judge(kMemory);
  EXPECT_EQ(r.verdict, Verdict::reproduced) << r.reason;
  EXPECT_NEAR(r.estimate, -1.5, 0.05);
  EXPECT_EQ(r.n_a, 4);
}

TEST_F(ClaimsTest, SlopeNeedsThreeSides) {
  const int64_t s = sweep("memory-scaling", "memory-scaling", "default");
  for (int side : {64, 128}) {
    run(s, config("gd", "resnet18", "none", side), side, "done", {},
        {{"peak_memory", 1e3 * side * side}});
    run(s, config("patchgd", "resnet18", "none", side), side + 1, "done", {},
        {{"peak_memory", 1e6}});
  }
  EXPECT_EQ(judge(kMemory).verdict, Verdict::inconclusive);
}

TEST_F(ClaimsTest, RatioAgainstABound) {
  const char* yaml = R"(claims:
  - id: latency
    claim: PatchGD within 1.5x of GD at the largest side
    sweep: latency
    value: {measurement: train_latency_ms, format: ms}
    test: ratio
    a: {method.name: patchgd, dataset.image_size: max}
    b: {method.name: gd, dataset.image_size: max}
    expect: a/b <= 1.5
)";
  const int64_t s = sweep("latency", "latency", "default");
  for (int seed = 1; seed <= 3; ++seed) {
    // At 64² PatchGD is 10x slower, but the claim reads the largest side only.
    run(s, config("gd", "resnet18", "none", 64), seed, "done", {}, {{"train_latency_ms", 1.0}});
    run(s, config("patchgd", "resnet18", "none", 64), seed, "done", {},
        {{"train_latency_ms", 10.0}});
    run(s, config("gd", "resnet18", "none", 256), seed, "done", {},
        {{"train_latency_ms", 10.0 + seed * 0.1}});
    run(s, config("patchgd", "resnet18", "none", 256), seed, "done", {},
        {{"train_latency_ms", 11.0 + seed * 0.1}});
  }
  const ClaimResult r = judge(yaml);
  EXPECT_EQ(r.verdict, Verdict::reproduced) << r.reason;
  EXPECT_NEAR(r.estimate, 1.1, 0.01);
}

TEST_F(ClaimsTest, TrendOverASetting) {
  const char* yaml = R"(claims:
  - id: sampling
    claim: smaller sampling fractions are more accurate
    sweep: ablation-sampling
    value: {metric: best_accuracy, format: percent}
    test: trend
    x: method.sampling_fraction
    log_x: true
    a: {method.name: patchgd}
    expect: decreasing
)";
  const int64_t s = sweep("ablation-sampling", "ablation-sampling", "default");
  int seed = 0;
  for (double fs : {0.25, 0.125, 0.0625})
    for (double noise : {-0.01, 0.01})
      run(s, config("patchgd", "resnet18", "none", 64, {{"method.sampling_fraction", fs}}), ++seed,
          "done", {{"best_accuracy", 0.5 - 0.1 * std::log2(fs) / 4 + noise}});
  // Accuracy rises as f_s falls: a negative slope on log f_s.
  const ClaimResult r = judge(yaml);
  EXPECT_EQ(r.verdict, Verdict::reproduced) << r.reason;
  EXPECT_LT(r.high, 0);
}

TEST_F(ClaimsTest, NoRunsIsInconclusiveAndSaysSo) {
  const ClaimResult r = judge(kTightCap);
  EXPECT_EQ(r.verdict, Verdict::inconclusive);
  EXPECT_NE(r.reason.find("no runs of sweep 'needle'"), std::string::npos) << r.reason;
  const std::string md = claims_markdown({r}, "x.db");
  EXPECT_NE(md.find("| PatchGD beats GD under a cap that binds GD | — | **inconclusive** |"),
            std::string::npos)
      << md;
}

TEST_F(ClaimsTest, BadFilesNameTheKey) {
  auto error_of = [&](const std::string& yaml) {
    try {
      claims(yaml);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("claims: [{id: x, claim: y, sweep: s, value: {metric: m}, test: median, a: "
                     "{k: v}, b: {k: w}, expect: a > b}]")
                .find("claims[0].test': 'median' is not one of"),
            std::string::npos);
  EXPECT_NE(error_of("claims: [{id: x, claim: y, sweep: s, value: {metric: m}, test: difference, "
                     "a: {k: v}, b: {k: w}, expect: a >= b}]")
                .find("claims[0].expect'"),
            std::string::npos);
  EXPECT_NE(error_of("claims: [{id: x, claim: y, sweep: s, value: {metric: m}, test: difference, "
                     "a: {k: v}, expect: a > b}]")
                .find("claims[0].b'"),
            std::string::npos);
  EXPECT_NE(error_of("claims: [{id: x, claim: y, sweep: s, value: {metric: m}, test: ratio, a: {k: "
                     "v}, b: {k: w}, expect: a/b <= z}]")
                .find("is not a positive number"),
            std::string::npos);
  EXPECT_NE(error_of("nothing: here").find("expected a top-level 'claims' list"),
            std::string::npos);
  EXPECT_NE(error_of("claims: [{id: x, claim: y, sweep: s, value: {metric: m}, test: trend, a: {k: "
                     "v}, expect: increasing, colour: red}]")
                .find("claims[0].colour': unknown key"),
            std::string::npos);
}

TEST_F(ClaimsTest, TheShippedClaimsFileLoads) {
  const auto shipped = load_claims(default_claims_file());
  EXPECT_GE(shipped.size(), 5u);
}

}  // namespace
}  // namespace pgd::results
