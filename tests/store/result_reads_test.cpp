// The typed reads the renderers use: runs of chosen sweeps with their summary values, sweeps
// with their specs, and per-epoch metrics.
#include <gtest/gtest.h>

#include <limits>

#include "harness/store/result_store.h"
#include "tests/store/store_test_util.h"

namespace pgd::store {
namespace {

class ResultReadsTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    store_ = std::make_unique<ResultStore>(path("reads.db"));
    a_ = store_->ensure_sweep("a", "a.yaml", {{"table", "table2"}, {"scale", "mini"}}, "ha");
    b_ = store_->ensure_sweep("b", "b.yaml", {{"table", "table3"}}, "hb");
    run_a_ = store_->ensure_run(a_, 0, {{"method", {{"name", "gd"}}}}, "c1", 1);
    run_b_ = store_->ensure_run(b_, 0, {{"method", {{"name", "patchgd"}}}}, "c2", 2);
    single_ = store_->start_single_run({{"x", 1}}, "c3", 3, "host:1", testing::test_provenance());
    store_->add_metric(run_a_, -1, "val", "best_accuracy", 0.5);
    store_->add_metric(run_a_, -1, "val", "best_qwk", std::numeric_limits<double>::quiet_NaN());
    store_->add_metric(run_a_, 0, "val", "accuracy", 0.25);
    store_->add_metric(run_a_, 1, "val", "accuracy", 0.5);
    store_->add_metric(run_a_, 0, "train", "loss", 2.0);
    store_->add_measurement(run_b_, "peak_memory", 1024, "bytes");
    store_->finish_run(single_, RunStatus::Done);
  }
  void TearDown() override {
    store_.reset();
    TempDirTest::TearDown();
  }
  std::unique_ptr<ResultStore> store_;
  int64_t a_ = 0, b_ = 0, run_a_ = 0, run_b_ = 0, single_ = 0;
};

TEST_F(ResultReadsTest, RunsOfChosenSweepsCarryTheirValues) {
  const auto only_a = store_->run_values(std::vector<int64_t>{a_});
  ASSERT_EQ(only_a.size(), 1u);
  EXPECT_EQ(only_a[0].id, run_a_);
  EXPECT_EQ(only_a[0].sweep_id, a_);
  EXPECT_EQ(only_a[0].status, RunStatus::Pending);
  EXPECT_EQ(only_a[0].config["method"]["name"], "gd");
  EXPECT_DOUBLE_EQ(only_a[0].summary.at("best_accuracy"), 0.5);
  EXPECT_EQ(only_a[0].summary.count("best_qwk"), 0u);  // NaN is stored as NULL: no value
  EXPECT_EQ(only_a[0].summary.count("accuracy"), 0u);  // per-epoch values are not summary

  const auto both = store_->run_values(std::vector<int64_t>{b_, a_});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].id, run_a_);  // by id, whatever the order asked
  EXPECT_DOUBLE_EQ(both[1].measurements.at("peak_memory"), 1024);
  EXPECT_TRUE(store_->run_values(std::vector<int64_t>{}).empty());
  EXPECT_TRUE(store_->run_values(std::vector<int64_t>{999}).empty());

  const auto all = store_->run_values(std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].id, single_);
  EXPECT_EQ(all[2].sweep_id, 0);
  EXPECT_EQ(all[2].status, RunStatus::Done);
}

TEST_F(ResultReadsTest, SweepsCarryTheirParsedSpecs) {
  const auto sweeps = store_->sweep_rows();
  ASSERT_EQ(sweeps.size(), 2u);
  EXPECT_EQ(sweeps[0].name, "a");
  EXPECT_EQ(sweeps[0].spec["table"], "table2");
  EXPECT_EQ(sweeps[1].spec.value("scale", ""), "");
}

TEST_F(ResultReadsTest, EpochMetricsInOrder) {
  EXPECT_EQ(store_->runs_with_epoch_metrics(), std::vector<int64_t>{run_a_});
  const auto points = store_->epoch_metrics(run_a_);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].epoch, 0);
  EXPECT_EQ(points[0].split, "train");
  EXPECT_EQ(points[1].split, "val");
  EXPECT_DOUBLE_EQ(points[2].value, 0.5);
  EXPECT_TRUE(store_->epoch_metrics(run_b_).empty());
}

}  // namespace
}  // namespace pgd::store
