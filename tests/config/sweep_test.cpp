#include "harness/config/sweep.h"

#include <functional>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/config_hash.h"
#include "tests/config/temp_tree.h"

namespace pgd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempTree;
using Words = std::vector<std::string>;

const char* kSweep = R"(name: ablation-lr
description: learning rate against method
table: ablation-table
overrides: [dataset=large, train.epochs=5]
grid:
  method: gd,patchgd
  train.lr: [0.1, 0.01, 0.001]
cases:
  - [train.batch_size=16, seed=1]
  - [train.batch_size=32, seed=2]
scales:
  smoke:
    overrides: [train.epochs=1]
    grid:
      train.lr: [0.5]
      dataset.image_size: range(16,48,16)
    cases:
      - [train.batch_size=4]
  mini:
    overrides: [train.epochs=2]
  paper:
)";

class SweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_sample_tree(tree_);
    file_ = tree_.write("sweeps/ablation-lr.yaml", kSweep);
  }

  SweepPlan load(const std::string& scale, const Words& extras = {}) {
    return load_sweep(file_, scale, extras, tree_.root());
  }

  std::string error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no ConfigError)";
  }

  TempTree tree_;
  std::filesystem::path file_;
};

TEST_F(SweepTest, CellsAreGridProductTimesCasesInOrder) {
  SweepPlan plan = load("paper");
  EXPECT_EQ(plan.name, "ablation-lr");
  EXPECT_EQ(plan.description, "learning rate against method");
  EXPECT_EQ(plan.table, "ablation-table");
  EXPECT_EQ(plan.scale, "paper");
  ASSERT_EQ(plan.cells.size(), 2u * 3u * 2u);
  EXPECT_EQ(plan.cells[0].overrides, (Words{"dataset=large", "train.epochs=5", "method=gd",
                                            "train.lr=0.1", "train.batch_size=16", "seed=1"}));
  EXPECT_EQ(plan.cells[1].overrides.back(), "seed=2");      // cases fastest
  EXPECT_EQ(plan.cells[2].overrides[3], "train.lr=0.01");   // then the last grid key
  EXPECT_EQ(plan.cells[6].overrides[2], "method=patchgd");  // first grid key slowest
  for (size_t i = 0; i < plan.cells.size(); ++i) {
    const SweepCell& cell = plan.cells[i];
    EXPECT_EQ(cell.index, static_cast<int64_t>(i));
    EXPECT_EQ(cell.config, compose_config(tree_.root(), cell.overrides));
    EXPECT_EQ(cell.hash, config_hash(cell.config));
  }
  EXPECT_EQ(plan.cells[11].config["method"]["name"], "patchgd");
  EXPECT_EQ(plan.cells[11].config["train"]["batch_size"], 32);
  EXPECT_DOUBLE_EQ(plan.cells[11].config["train"]["lr"].get<double>(), 0.001);
}

TEST_F(SweepTest, ScaleReplacesGridKeysInPlaceAddsNewOnesAndReplacesCases) {
  SweepPlan plan = load("smoke");
  // method (2) x train.lr (1, replaced) x dataset.image_size (2, added last) x 1 case
  ASSERT_EQ(plan.cells.size(), 4u);
  EXPECT_EQ(plan.cells[0].overrides,
            (Words{"dataset=large", "train.epochs=5", "train.epochs=1", "method=gd", "train.lr=0.5",
                   "dataset.image_size=16", "train.batch_size=4"}));
  EXPECT_EQ(plan.cells[1].overrides[5], "dataset.image_size=32");
  EXPECT_EQ(plan.cells[0].config["train"]["epochs"], 1);
  EXPECT_EQ(plan.cells[3].config["dataset"]["image_size"], 32);
}

TEST_F(SweepTest, ScaleWithoutCasesKeepsTheSweepCases) {
  SweepPlan plan = load("mini");
  ASSERT_EQ(plan.cells.size(), 12u);
  EXPECT_EQ(plan.cells[0].config["train"]["epochs"], 2);
}

TEST_F(SweepTest, DefaultScaleIsSmoke) { EXPECT_EQ(load("").scale, "smoke"); }

TEST_F(SweepTest, ExtraOverridesComeLastAndSweepsAmongThemAreFastest) {
  SweepPlan plan = load("smoke", {"seed=3,4", "train.enabled=false"});
  ASSERT_EQ(plan.cells.size(), 8u);
  EXPECT_EQ(plan.cells[0].overrides.back(), "train.enabled=false");
  EXPECT_THAT(plan.cells[0].overrides, ::testing::Contains("seed=3"));
  EXPECT_THAT(plan.cells[1].overrides, ::testing::Contains("seed=4"));
  EXPECT_EQ(plan.cells[1].config["seed"], 4);
  EXPECT_EQ(plan.cells[2].config["dataset"]["image_size"], 32);
}

TEST_F(SweepTest, SpecIdentifiesFileScaleAndExtras) {
  SweepPlan smoke = load("smoke");
  EXPECT_EQ(smoke.spec["scale"], "smoke");
  EXPECT_EQ(smoke.spec["sweep"]["name"], "ablation-lr");
  EXPECT_EQ(smoke.spec["grid_order"],
            nlohmann::json::parse(R"(["method", "train.lr", "dataset.image_size"])"));
  EXPECT_EQ(smoke.spec_hash.size(), 64u);
  EXPECT_EQ(load("smoke").spec_hash, smoke.spec_hash);
  EXPECT_NE(load("mini").spec_hash, smoke.spec_hash);
  EXPECT_NE(load("smoke", {"seed=9"}).spec_hash, smoke.spec_hash);
}

TEST_F(SweepTest, UnknownScaleListsTheFilesScales) {
  EXPECT_THAT(error_of([&] { load("huge"); }),
              HasSubstr("unknown scale 'huge'; scales in this file: smoke, mini, paper"));
}

TEST_F(SweepTest, FileWithoutScalesRunsTheSameAtStandardScales) {
  auto file = tree_.write("sweeps/plain.yaml", "grid:\n  seed: range(3)\n");
  SweepPlan plan = load_sweep(file, "mini", {}, tree_.root());
  EXPECT_EQ(plan.name, "plain");   // from the file name
  EXPECT_EQ(plan.table, "plain");  // defaults to the name
  EXPECT_EQ(plan.cells.size(), 3u);
  EXPECT_THAT(error_of([&] { load_sweep(file, "paperr", {}, tree_.root()); }),
              HasSubstr("unknown scale 'paperr'"));
}

TEST_F(SweepTest, UnknownKeysAreErrorsNamingThem) {
  auto file = tree_.write("sweeps/typo.yaml", "name: t\ngrids: {seed: 1,2}\n");
  std::string message = error_of([&] { load_sweep(file, "smoke", {}, tree_.root()); });
  EXPECT_THAT(message, HasSubstr("sweep file " + file.string() +
                                 ": unknown key 'grids'; did "
                                 "you mean 'grid'?"));
  auto scale_typo = tree_.write("sweeps/typo2.yaml",
                                "grid: {seed: '1,2'}\nscales:\n  smoke: {overide: [seed=1]}\n");
  EXPECT_THAT(error_of([&] { load_sweep(scale_typo, "smoke", {}, tree_.root()); }),
              HasSubstr("scale 'smoke': unknown key 'overide'"));
}

TEST_F(SweepTest, DuplicateCellsAreAnError) {
  auto file = tree_.write("sweeps/dup.yaml", "grid:\n  train.lr: [0.001, 1.0e-3]\n");
  EXPECT_THAT(error_of([&] { load_sweep(file, "smoke", {}, tree_.root()); }),
              HasSubstr("cells 0 [train.lr=0.001] and 1 [train.lr=0.001] resolve to the same "
                        "config"));
}

TEST_F(SweepTest, CellThatDoesNotComposeNamesItsIndexAndOverrides) {
  auto file = tree_.write("sweeps/bad.yaml", "grid:\n  train.epochs: [1, ten]\n");
  std::string message = error_of([&] { load_sweep(file, "smoke", {}, tree_.root()); });
  EXPECT_THAT(message, HasSubstr("cell 1 [train.epochs=ten]"));
  EXPECT_THAT(message, HasSubstr("expected int"));
}

TEST_F(SweepTest, GridListValuesKeepTheirTypes) {
  auto file =
      tree_.write("sweeps/types.yaml",
                  "grid:\n  train.name: ['3', 'a,b', plain]\n  train.flags: [[x], [y, z]]\n");
  SweepPlan plan = load_sweep(file, "smoke", {}, tree_.root());
  ASSERT_EQ(plan.cells.size(), 6u);
  EXPECT_EQ(plan.cells[0].config["train"]["name"], "3");
  EXPECT_EQ(plan.cells[2].config["train"]["name"], "a,b");
  EXPECT_EQ(plan.cells[5].config["train"]["flags"], nlohmann::json::parse(R"(["y", "z"])"));
}

TEST_F(SweepTest, SweepValuesOutsideTheGridAreErrors) {
  auto file = tree_.write("sweeps/s.yaml", "overrides: ['seed=1,2']\n");
  EXPECT_THAT(error_of([&] { load_sweep(file, "smoke", {}, tree_.root()); }),
              HasSubstr("override 'seed=1,2' sweeps values; sweep a key under 'grid'"));
}

TEST_F(SweepTest, MalformedSweepFileNamesLine) {
  auto file = tree_.write("sweeps/m.yaml", "grid:\n  seed: [1, 2\n");
  EXPECT_THAT(error_of([&] { load_sweep(file, "smoke", {}, tree_.root()); }),
              HasSubstr("malformed YAML in " + file.string() + " at line"));
}

// `seeds:` repeats every cell once per seed, fastest; each repeat is its own run (own hash).
TEST_F(SweepTest, SeedsExpandIntoDistinctRunsWithDistinctHashes) {
  auto file = tree_.write("sweeps/seeds.yaml",
                          "grid:\n  method: [gd, patchgd]\nseeds: [1, 2, 3]\n"
                          "scales:\n  smoke: {seeds: [9]}\n  mini: {}\n");
  SweepPlan plan = load_sweep(file, "mini", {}, tree_.root());
  ASSERT_EQ(plan.cells.size(), 6u);
  std::set<std::string> hashes;
  for (size_t i = 0; i < plan.cells.size(); ++i) {
    EXPECT_EQ(plan.cells[i].overrides.back(), "seed=" + std::to_string(i % 3 + 1));
    EXPECT_EQ(plan.cells[i].config["seed"], static_cast<int64_t>(i % 3 + 1));
    hashes.insert(plan.cells[i].hash);
  }
  EXPECT_EQ(hashes.size(), 6u);
  EXPECT_EQ(plan.cells[3].config["method"]["name"], "patchgd");
  SweepPlan smoke = load_sweep(file, "smoke", {}, tree_.root());  // a scale replaces the list
  ASSERT_EQ(smoke.cells.size(), 2u);
  EXPECT_EQ(smoke.cells[1].config["seed"], 9);
  for (const char* bad : {"seeds: []\n", "seeds: [1, x]\n", "seeds: [2, 2]\n", "seeds: 3\n"}) {
    auto f = tree_.write("sweeps/bad-seeds.yaml", std::string("grid: {method: [gd]}\n") + bad);
    EXPECT_THAT(error_of([&] { load_sweep(f, "smoke", {}, tree_.root()); }), HasSubstr("'seeds'"))
        << bad;
  }
}

TEST_F(SweepTest, ResolveSweepFileByNameOrPath) {
  EXPECT_EQ(resolve_sweep_file("ablation-lr", tree_.root()), file_);
  EXPECT_EQ(resolve_sweep_file(file_.string(), tree_.root()), file_);
  EXPECT_THAT(error_of([&] { resolve_sweep_file("ablation-l", tree_.root()); }),
              HasSubstr("did you mean 'ablation-lr'?"));
}

}  // namespace
}  // namespace pgd::config
