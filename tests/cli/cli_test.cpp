// The `patchgd` command as a user meets it: help, bad input, a two-run sweep and its table.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/cli/cli_test_util.h"

namespace pgd::cli_test {
namespace {
namespace fs = std::filesystem;

TEST(Cli, HelpListsCommands) {
  auto r = patchgd("--help");
  EXPECT_EQ(r.code, 0);
  for (const char* c :
       {"run", "sweep", "config", "runs", "query", "tables", "plot", "models", "merge"})
    EXPECT_NE(r.out.find(c), std::string::npos) << c;
  EXPECT_EQ(patchgd("sweep --help").code, 0);
  EXPECT_EQ(patchgd("nonsense").code, 2);
}

TEST(Cli, ConfigShowPrintsResolvedYamlAndHash) {
  auto r = patchgd("config show method=gd train.epochs=3");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("config hash:"), std::string::npos);
  EXPECT_NE(r.out.find("epochs: 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("name: gd"), std::string::npos) << r.out;
}

TEST(Cli, UnknownKeyIsAUsageErrorWithASuggestion) {
  auto r = patchgd("config show train.epoch=3");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("train.epochs"), std::string::npos) << r.out;
  r = patchgd("config show method=patchgdd");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("patchgd"), std::string::npos) << r.out;
}

TEST(Cli, CorruptDatabaseIsReportedAndLeftIntact) {
  const auto d = fresh_dir("corrupt");
  const fs::path db = d / "not-a.db";
  std::ofstream(db) << "this is not sqlite";
  const auto size = fs::file_size(db);
  auto r = patchgd("runs list --db " + db.string());
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find(db.string()), std::string::npos) << r.out;
  EXPECT_EQ(fs::file_size(db), size);
  fs::remove_all(d);
}

// A two-run sweep at toy size, then a table regenerated from the database (issue: experiments).
TEST(Cli, TwoRunSweepThenTable) {
  const auto d = fresh_dir("sweep");
  const fs::path sweep = d / "two.yaml";
  std::ofstream(sweep) << R"(name: two
description: GD vs PatchGD, toy size
table: ultramnist
overrides: [dataset=synthetic, dataset.image_size=64, dataset.train_size=8, dataset.val_size=4,
            backbone=mobilenetv2-0.25, train.batch_size=4, train.epochs=1, train.warmup_epochs=0, head.channels=16,
            head.latent_dim=16, threads=1, measure.steps=1, measure.warmup_steps=0, memory.cap=4GB]
cases:
  - [method=gd]
  - [method=patchgd, method.patch_size=16, method.sampling_fraction=0.5]
)";
  const std::string db = (d / "r.db").string();
  auto r = patchgd("sweep " + sweep.string() + " --db " + db);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("2 done"), std::string::npos) << r.out;

  auto q =
      patchgd("query --tsv --db " + db + " \"SELECT status, count(*) FROM runs GROUP BY status\"");
  EXPECT_NE(q.out.find("done\t2"), std::string::npos) << q.out;

  // Resuming a finished sweep runs nothing again.
  r = patchgd("sweep " + sweep.string() + " --resume --db " + db);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("ran 0"), std::string::npos) << r.out;

  auto t = patchgd("tables --table ultramnist --format md --db " + db);
  ASSERT_EQ(t.code, 0) << t.out;
  EXPECT_NE(t.out.find("| GD | MobileNetV2 |"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("| PatchGD | MobileNetV2 |"), std::string::npos) << t.out;
  const fs::path out = d / "tables";
  t = patchgd("tables --table ultramnist --format md,latex,csv --out " + out.string() + " --db " +
              db);
  ASSERT_EQ(t.code, 0) << t.out;
  EXPECT_TRUE(fs::exists(out / "ultramnist-smoke.md")) << t.out;
  EXPECT_TRUE(fs::exists(out / "ultramnist-smoke.tex")) << t.out;
  EXPECT_TRUE(fs::exists(out / "ultramnist-smoke.csv")) << t.out;
  fs::remove_all(d);
}

// patchgd claims on the real binary: the shipped claims file on a database with only toy runs
// gives a verdict line per claim (inconclusive: nothing to compare) and writes --out; a broken
// claims file is a usage error naming the file and the key, and writes nothing.
TEST(Cli, ClaimsReportsEveryClaimAndRejectsABrokenFile) {
  const auto d = fresh_dir("claims");
  const fs::path db = d / "r.db";
  const fs::path sweep = d / "one.yaml";
  std::ofstream(sweep)
      << "name: one\ntable: needle\noverrides: [dataset=synthetic, dataset.image_size=64, "
         "dataset.train_size=4, dataset.val_size=2, backbone=mobilenetv2-0.25, train.batch_size=2, "
         "train.epochs=1, head.channels=16, head.latent_dim=16, threads=1, measure.latency=false, "
         "method=gd]\n";
  ASSERT_EQ(patchgd("sweep " + sweep.string() + " --db " + db.string()).code, 0);
  const fs::path out = d / "claims.md";
  auto r = patchgd("claims --db " + db.string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* claim :
       {"needs its resolution", "cap that binds GD", "peak memory grows", "within 1.5"})
    EXPECT_NE(r.out.find(claim), std::string::npos) << claim << "\n" << r.out;
  EXPECT_NE(r.out.find("inconclusive"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out));
  const fs::path bad = d / "bad.yaml";
  std::ofstream(bad)
      << "claims:\n  - id: x\n    claim: y\n    sweep: needle\n    value: {metric: last_accuracy}\n"
         "    test: differnce\n    a: {method.name: gd}\n    b: {method.name: patchgd}\n    "
         "expect: a > b\n";
  const fs::path out2 = d / "claims2.md";
  r = patchgd("claims --db " + db.string() + " --claims " + bad.string() + " --out " +
              out2.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(bad.string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("test"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out2));
  fs::remove_all(d);
}

}  // namespace
}  // namespace pgd::cli_test

namespace pgd::cli_test {
namespace {

// Regression: cxxopts split vector arguments on commas, so multirun values and SQL broke apart.
TEST(Cli, CommasReachOverridesAndSqlWhole) {
  auto r = patchgd("config show -m method=gd,patchgd");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("name: gd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("name: patchgd"), std::string::npos) << r.out;
  r = patchgd("config show 'dataset.scale_weights=[1,2,3,4,5,6,7,8,9]'");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto d = fresh_dir("commas");
  r = patchgd("query --db " + (d / "r.db").string() + " \"SELECT 1 AS a, 2 AS b\"");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("(1 rows)"), std::string::npos) << r.out;
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace pgd::cli_test

namespace pgd::cli_test {
namespace {

// The listing filters by sweep and status (SQL lives in the store; the CLI only prints).
TEST(Cli, RunsListFiltersBySweepAndStatus) {
  const auto d = fresh_dir("runslist");
  const std::string db = (d / "r.db").string();
  auto r = patchgd("runs list --db " + db);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("(0 rows)"), std::string::npos) << r.out;
  r = patchgd("runs list --sweep 'it''s' --status done --db " + db);  // quotes reach SQL as data
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("(0 rows)"), std::string::npos) << r.out;
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace pgd::cli_test

namespace pgd::cli_test {
namespace {

// Issue 13's user-facing bugs, each as a user met it.
TEST(Cli, MicroBatchAutoRunsAsDocumented) {
  const auto d = fresh_dir("microauto");
  const auto r = patchgd(
      "run method=gd train.micro_batch=auto memory.cap=1GB dataset=synthetic dataset.image_size=64 "
      "dataset.train_size=4 dataset.val_size=2 backbone=mobilenetv2-0.25 head.channels=16 "
      "head.latent_dim=16 train.batch_size=4 train.epochs=1 train.auto_batch_max=4 "
      "measure.latency=false threads=1 --db " +
      (d / "r.db").string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("batch search"), std::string::npos) << r.out;
  std::filesystem::remove_all(d);
}

TEST(Cli, ConfigShowRejectsWhatRunRejects) {
  for (const std::string bad :
       {"method=patchgd method.sampling_fraction=1.5", "method=patchgd method.sampling_fraction=0",
        "head.latent_dim=-3", "train.batch_size=0"}) {
    const auto r = patchgd("config show " + bad);
    EXPECT_EQ(r.code, 2) << bad << "\n" << r.out;
    EXPECT_EQ(r.out.find("config hash"), std::string::npos) << bad << "\n"
                                                            << r.out;  // nothing printed as valid
  }
  EXPECT_EQ(patchgd("config show method=patchgd method.sampling_fraction=0.5").code, 0);
}

TEST(Cli, QueryIsReadOnly) {
  const auto d = fresh_dir("readonly");
  const std::string db = (d / "r.db").string();
  ASSERT_EQ(patchgd("run dataset=synthetic dataset.image_size=64 dataset.train_size=2 "
                    "dataset.val_size=1 method=gd "
                    "backbone=mobilenetv2-0.25 head.channels=16 head.latent_dim=16 "
                    "train.batch_size=2 train.epochs=1 "
                    "measure.latency=false threads=1 --db " +
                    db)
                .code,
            0);
  for (const std::string sql : {"DELETE FROM runs", "SELECT 1; DROP TABLE metrics",
                                "UPDATE runs SET status='failed'", "PRAGMA user_version = 0"}) {
    const auto r = patchgd("query --db " + db + " \"" + sql + "\"");
    EXPECT_EQ(r.code, 2) << sql << "\n" << r.out;
    EXPECT_NE(r.out.find("read-only"), std::string::npos) << r.out;
  }
  const auto r = patchgd("query --tsv --db " + db +
                         " \"SELECT count(*) AS n FROM runs WHERE status='done'; "
                         "SELECT count(*) AS m FROM metrics\"");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find("m\n0\n"), std::string::npos) << r.out;  // the metrics are still there
  EXPECT_EQ(
      patchgd("query --tsv --db " + db + " \"SELECT count(*) FROM runs WHERE status='done'\"").out,
      "count(*)\n1\n");
  std::filesystem::remove_all(d);
}

TEST(Cli, UnknownTableOrFormatIsAUsageError) {
  const auto d = fresh_dir("nosuch");
  const std::string db = (d / "r.db").string();
  auto r = patchgd("tables --table nosuch --db " + db);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("valid tables"), std::string::npos) << r.out;
  r = patchgd("tables --table needle --format docx --db " + db);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("valid formats"), std::string::npos) << r.out;
  std::filesystem::remove_all(d);
}

// Synthetic slide sizes out of range are usage errors naming the option; --levels 100 once
// shifted the side by 99 bits (undefined) before it was bounded.
TEST(Cli, PandaSyntheticRejectsSidesAndLevelsOutOfRange) {
  const auto d = fresh_dir("panda-synthetic-bad");
  const std::pair<std::string, std::string> cases[] = {{"--side 32", "--side"},
                                                        {"--side 2000000", "--side"},
                                                        {"--levels 0", "--levels"},
                                                        {"--levels 100", "--levels"},
                                                        {"--side 64 --levels 8", "--levels"}};
  for (const auto& [args, option] : cases) {
    const auto r = patchgd("data panda-synthetic --out " + (d / "out").string() + " " + args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.out;
    EXPECT_NE(r.out.find(option), std::string::npos) << args << ": " << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(d / "out" / "train.csv"));
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace pgd::cli_test
