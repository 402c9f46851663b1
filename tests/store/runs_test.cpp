// Sweeps, runs, claims and the result tables, in one process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "harness/store/result_store.h"
#include "tests/store/store_test_util.h"

namespace pgd::store {
namespace {

using testing::count;
using ::testing::HasSubstr;
using testing::scalar;

class RunsTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    store_ = std::make_unique<ResultStore>(path("runs.db"));
  }
  void TearDown() override {
    store_.reset();
    TempDirTest::TearDown();
  }
  // Makes a running run look abandoned: its heartbeat far in the past.
  void age_heartbeat(int64_t run_id) {
    store_->query("UPDATE runs SET heartbeat_at = '2000-01-01T00:00:00.000Z' WHERE id = " +
                  std::to_string(run_id));
  }
  std::unique_ptr<ResultStore> store_;
  Provenance prov_ = testing::test_provenance();
};

TEST_F(RunsTest, EnsureSweepIsIdempotentPerNameAndHash) {
  const nlohmann::json spec = {{"grid", {{"memory", {"4gb", "16gb"}}}}};
  const int64_t a = store_->ensure_sweep("table2", "experiments/sweeps/table2.yaml", spec, "s1");
  const int64_t b = store_->ensure_sweep("table2", "elsewhere.yaml", spec, "s1");
  const int64_t c = store_->ensure_sweep("table2", "experiments/sweeps/table2.yaml", spec, "s2");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM sweeps"), 2);
  EXPECT_EQ(scalar(*store_, "SELECT file FROM sweeps WHERE id = " + std::to_string(a)),
            "experiments/sweeps/table2.yaml");
  EXPECT_EQ(nlohmann::json::parse(
                scalar(*store_, "SELECT spec FROM sweeps WHERE id = " + std::to_string(a))),
            spec);
}

TEST_F(RunsTest, EnsureRunIsIdempotentAndRoundTrips) {
  const int64_t sweep = store_->ensure_sweep("s", "s.yaml", {{"k", 1}}, "sh");
  const nlohmann::json config = {{"method", {{"name", "patchgd"}}}, {"memory", {{"cap", "4GB"}}}};
  const int64_t a = store_->ensure_run(sweep, 7, config, "cfg", 123);
  const int64_t b = store_->ensure_run(sweep, 7, config, "cfg", 123);
  EXPECT_EQ(a, b);
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM runs"), 1);
  const auto r = store_->run(a);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, a);
  EXPECT_EQ(r->sweep_id, sweep);
  EXPECT_EQ(r->cell, 7);
  EXPECT_EQ(r->config, config);
  EXPECT_EQ(r->config_hash, "cfg");
  EXPECT_EQ(r->status, "pending");
  EXPECT_EQ(r->seed, 123);
  EXPECT_EQ(r->error, "");
  EXPECT_FALSE(r->created_at.empty());
  EXPECT_EQ(r->started_at, "");
  EXPECT_FALSE(store_->run(a + 1000));
}

TEST_F(RunsTest, EnsureRunOfUnknownSweepNamesIt) {
  try {
    store_->ensure_run(99, 0, {}, "h", 0);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("sweep 99"));
    EXPECT_THAT(e.what(), HasSubstr(path("runs.db").string()));
  }
}

TEST_F(RunsTest, ClaimTakesLowestCellAndRecordsOwnerAndProvenance) {
  const int64_t sweep = store_->ensure_sweep("s", "s.yaml", {}, "sh");
  // Inserted out of order: claims follow the cell, not the insertion.
  for (int cell : {2, 0, 1})
    store_->ensure_run(sweep, cell, {{"c", cell}}, "h" + std::to_string(cell), cell);
  for (int expected = 0; expected < 3; ++expected) {
    const auto r = store_->claim_next(sweep, "host:42", prov_, false);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->cell, expected);
    EXPECT_EQ(r->status, "running");
    EXPECT_EQ(r->owner, "host:42");
    EXPECT_FALSE(r->started_at.empty());
    EXPECT_EQ(r->heartbeat_at, r->started_at);
    EXPECT_EQ(r->provenance.git_commit, prov_.git_commit);
    EXPECT_TRUE(r->provenance.git_dirty);
    EXPECT_EQ(r->provenance.host, "testhost");
    EXPECT_EQ(r->provenance.cpu_model, prov_.cpu_model);
    EXPECT_EQ(r->provenance.gpu_name, "");
    EXPECT_EQ(r->provenance.torch_version, "2.3.0");
    EXPECT_EQ(r->provenance.threads, 4);
    EXPECT_EQ(r->provenance.patchgd_version, "0.1.0");
  }
  EXPECT_FALSE(store_->claim_next(sweep, "host:42", prov_, false));
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM runs WHERE gpu_name IS NULL"), 3);
}

TEST_F(RunsTest, FinishedRunsAreNeverReclaimedAndFailedOnlyOnRetry) {
  const int64_t sweep = testing::make_sweep(*store_, 4);
  const char* outcome[] = {"done", "oom", "failed", "cancelled"};
  for (const char* status : outcome) {
    const auto r = store_->claim_next(sweep, "a:1", prov_, false);
    ASSERT_TRUE(r);
    store_->finish_run(r->id, status, std::string(status) == "failed" ? "boom" : "");
  }
  EXPECT_FALSE(store_->claim_next(sweep, "a:1", prov_, false));
  const auto failed = store_->claim_next(sweep, "b:2", prov_, true);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->cell, 2);
  EXPECT_EQ(failed->error, "");  // cleared for the new attempt
  EXPECT_EQ(failed->finished_at, "");
  const auto cancelled = store_->claim_next(sweep, "b:2", prov_, true);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->cell, 3);
  EXPECT_FALSE(store_->claim_next(sweep, "b:2", prov_, true));  // done and oom stay
  const auto counts = store_->status_counts(sweep);
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"done", 1}, {"oom", 1}, {"running", 2}};
  EXPECT_EQ(counts, expected);
}

TEST_F(RunsTest, FinishRecordsStatusErrorAndTime) {
  const int64_t sweep = testing::make_sweep(*store_, 1);
  const auto r = store_->claim_next(sweep, "a:1", prov_, false);
  ASSERT_TRUE(r);
  store_->finish_run(r->id, "failed", "CUDA error: device-side assert");
  const auto f = store_->run(r->id);
  EXPECT_EQ(f->status, "failed");
  EXPECT_EQ(f->error, "CUDA error: device-side assert");
  EXPECT_GE(f->finished_at, f->started_at);
  EXPECT_THROW(store_->finish_run(r->id, "great"), StoreError);
  EXPECT_THROW(store_->finish_run(r->id + 100, "done"), StoreError);
}

TEST_F(RunsTest, StaleRunningRunIsReclaimedFreshOneIsNot) {
  const int64_t sweep = testing::make_sweep(*store_, 1);
  const auto first = store_->claim_next(sweep, "dead:1", prov_, false);
  ASSERT_TRUE(first);
  EXPECT_FALSE(store_->claim_next(sweep, "other:2", prov_, false, 120));
  EXPECT_FALSE(store_->claim_next(sweep, "other:2", prov_, true, 120));  // retry spares live runs
  store_->add_metric(first->id, 0, "train", "loss", 2.5);
  age_heartbeat(first->id);
  const auto again = store_->claim_next(sweep, "other:2", prov_, false, 120);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->owner, "other:2");
  EXPECT_GT(again->heartbeat_at, "2000-01-01T00:00:00.000Z");
  // The dead attempt's partial curve is gone.
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM metrics"), 0);
}

TEST_F(RunsTest, HeartbeatKeepsARunAlive) {
  const int64_t sweep = testing::make_sweep(*store_, 1);
  const auto r = store_->claim_next(sweep, "a:1", prov_, false);
  ASSERT_TRUE(r);
  age_heartbeat(r->id);
  store_->heartbeat(r->id);
  EXPECT_GT(store_->run(r->id)->heartbeat_at, "2000-01-01T00:00:00.000Z");
  EXPECT_FALSE(store_->claim_next(sweep, "b:2", prov_, false, 120));
  EXPECT_THROW(store_->heartbeat(r->id + 100), StoreError);
}

TEST_F(RunsTest, SingleRunsLiveOutsideSweeps) {
  const int64_t a = store_->start_single_run({{"x", 1}}, "same", 1, "h:1", prov_);
  const int64_t b = store_->start_single_run({{"x", 1}}, "same", 1, "h:1", prov_);
  EXPECT_NE(a, b);
  const auto r = store_->run(a);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->sweep_id, 0);
  EXPECT_EQ(r->status, "running");
  EXPECT_EQ(r->owner, "h:1");
  EXPECT_FALSE(r->started_at.empty());
  EXPECT_EQ(r->provenance.torch_version, "2.3.0");
  EXPECT_EQ(store_->runs().size(), 2u);
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM runs WHERE sweep_id IS NULL"), 2);
}

TEST_F(RunsTest, RunsListsBySweepInCellOrder) {
  const int64_t s1 = testing::make_sweep(*store_, 3, "one", "a");
  const int64_t s2 = testing::make_sweep(*store_, 2, "two", "b");
  const auto r1 = store_->runs(s1);
  ASSERT_EQ(r1.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r1[i].cell, i);
  EXPECT_EQ(store_->runs(s2).size(), 2u);
  EXPECT_EQ(store_->runs().size(), 5u);
}

TEST_F(RunsTest, MetricsRoundTripWithNanAsNull) {
  const int64_t run = store_->start_single_run({}, "h", 0, "o", prov_);
  store_->add_metric(run, 0, "train", "loss", 1.25);
  store_->add_metric(run, 0, "val", "accuracy", 0.5);
  store_->add_metric(run, -1, "val", "best_qwk", std::numeric_limits<double>::quiet_NaN());
  const QueryResult r = store_->query(
      "SELECT epoch, split, name, value FROM metrics WHERE run_id = " + std::to_string(run) +
      " ORDER BY rowid");
  ASSERT_EQ(r.columns, (std::vector<std::string>{"epoch", "split", "name", "value"}));
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0][0], "0");
  EXPECT_EQ(r.rows[0][1], "train");
  EXPECT_EQ(r.rows[0][2], "loss");
  EXPECT_DOUBLE_EQ(std::stod(*r.rows[0][3]), 1.25);
  EXPECT_EQ(r.rows[2][0], "-1");
  EXPECT_EQ(r.rows[2][3], std::nullopt);
  EXPECT_THROW(store_->add_metric(run + 100, 0, "train", "loss", 1), StoreError);  // foreign key
}

TEST_F(RunsTest, PredictionsRoundTripInOneBatch) {
  const int64_t run = store_->start_single_run({}, "h", 0, "o", prov_);
  std::vector<ResultStore::Prediction> p;
  for (int i = 0; i < 500; ++i) p.push_back({"img_" + std::to_string(i), i % 10, (i + 1) % 10});
  store_->add_predictions(run, "val", p);
  store_->add_predictions(run, "val", {});
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM predictions WHERE split = 'val'"), 500);
  EXPECT_EQ(scalar(*store_,
                   "SELECT label || ',' || predicted FROM predictions WHERE sample_id = 'img_13'"),
            "3,4");
  // A bad run id leaves none of the batch behind.
  EXPECT_THROW(store_->add_predictions(run + 100, "val", p), StoreError);
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM predictions"), 500);
}

// A run stores its best epoch's predictions each time a better epoch comes; they used to be
// appended (6,000 rows for 1,000 validation images after six improvements).
TEST_F(RunsTest, ReplacedPredictionsKeepOnlyTheLastSetOfThatSplit) {
  const int64_t run = store_->start_single_run({}, "h", 0, "o", prov_);
  store_->add_predictions(run, "train", {{"t", 1, 1}});
  store_->replace_predictions(run, "val", {{"a", 1, 0}, {"b", 2, 2}});
  store_->replace_predictions(run, "val", {{"a", 1, 1}, {"b", 2, 2}});
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM predictions WHERE split = 'val'"), 2);
  EXPECT_EQ(scalar(*store_, "SELECT predicted FROM predictions WHERE sample_id = 'a'"), "1");
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM predictions WHERE split = 'train'"),
            1);  // other split kept
  EXPECT_THROW(store_->replace_predictions(run + 100, "val", {{"a", 1, 1}}), StoreError);
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM predictions WHERE split = 'val'"), 2);
}

TEST_F(RunsTest, MeasurementsRoundTrip) {
  const int64_t run = store_->start_single_run({}, "h", 0, "o", prov_);
  store_->add_measurement(run, "peak_memory", 3.5e9, "bytes");
  store_->add_measurement(run, "train_latency_ms", 12.75, "ms");
  const QueryResult r = store_->query("SELECT name, value, unit FROM measurements ORDER BY name");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0][0], "peak_memory");
  EXPECT_DOUBLE_EQ(std::stod(*r.rows[0][1]), 3.5e9);
  EXPECT_EQ(r.rows[0][2], "bytes");
  EXPECT_EQ(r.rows[1][2], "ms");
}

TEST_F(RunsTest, QueryReturnsLastResultAndReportsErrorsWithStatement) {
  const QueryResult r = store_->query(
      "CREATE TEMP TABLE t (a, b); INSERT INTO t VALUES (1, NULL);"
      " SELECT a, b FROM t; -- trailing comment");
  EXPECT_EQ(r.columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0], "1");
  EXPECT_EQ(r.rows[0][1], std::nullopt);
  EXPECT_TRUE(store_->query("").columns.empty());
  try {
    store_->query("SELECT nope FROM runs");
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no such column: nope"));
    EXPECT_THAT(e.what(), HasSubstr("SELECT nope FROM runs"));
    EXPECT_THAT(e.what(), HasSubstr(path("runs.db").string()));
  }
}

TEST_F(RunsTest, CheckConstraintsGuardStatusAndJson) {
  EXPECT_THROW(store_->query("INSERT INTO runs (config, config_hash, status) "
                             "VALUES ('{}', 'x', 'exploded')"),
               StoreError);
  EXPECT_THROW(store_->query("INSERT INTO runs (config, config_hash) VALUES ('{not json', 'x')"),
               StoreError);
}

}  // namespace
}  // namespace pgd::store
