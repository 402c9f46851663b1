// merge_from: shards written by separate cluster tasks folded into one database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/store/result_store.h"
#include "tests/store/store_test_util.h"

namespace pgd::store {
namespace {

using ::testing::HasSubstr;
using testing::count;
using testing::scalar;

class MergeTest : public testing::TempDirTest {
 protected:
  // A shard as a cluster task leaves it: the whole sweep ensured, only `cells` run to `status`
  // with an accuracy of `accuracy` (+ cell/100), a measurement and predictions.
  void write_shard(const std::string& name, const std::vector<int>& cells,
                   const std::string& status = "done", double accuracy = 0.5) {
    ResultStore shard(path(name));
    const int64_t sweep = testing::make_sweep(shard, 4);
    for (int cell : cells) {
      const int64_t id = shard.ensure_run(sweep, cell, {}, "h" + std::to_string(cell), 0);
      shard.query("UPDATE runs SET status = 'running' WHERE id = " + std::to_string(id));
      shard.add_metric(id, 0, "val", "accuracy", accuracy + cell / 100.0);
      shard.add_metric(id, 1, "val", "accuracy", accuracy + cell / 50.0);
      shard.add_measurement(id, "peak_memory", 1e9 * (cell + 1), "bytes");
      shard.add_predictions(id, "val", {{"a", 1, 1}, {"b", 0, 1}});
      shard.finish_run(id, status);
    }
  }
  ResultStore::MergeReport merge(ResultStore& into, const std::string& shard) {
    return into.merge_from(path(shard));
  }
};

TEST_F(MergeTest, TwoShardsMergeIntoTheirUnionAndRemergingAddsNothing) {
  write_shard("a.db", {0, 1});
  write_shard("b.db", {2, 3});
  {
    ResultStore b(path("b.db"));
    b.start_single_run({{"single", true}}, "solo", 1, "b:1", {});
  }
  ResultStore all(path("all.db"));
  const auto ra = merge(all, "a.db");
  EXPECT_EQ(ra.added, 4);  // 2 done + 2 pending
  EXPECT_EQ(ra.conflicts, 0);
  const auto rb = merge(all, "b.db");
  EXPECT_EQ(rb.added, 1);     // the single run
  EXPECT_EQ(rb.replaced, 2);  // cells 2, 3: pending here, done in b
  EXPECT_EQ(rb.skipped, 2);   // cells 0, 1: pending in b, done here
  EXPECT_EQ(rb.conflicts, 0);

  EXPECT_EQ(count(all, "SELECT count(*) FROM sweeps"), 1);
  EXPECT_EQ(count(all, "SELECT count(*) FROM runs WHERE sweep_id IS NOT NULL AND status = 'done'"),
            4);
  EXPECT_EQ(count(all, "SELECT count(*) FROM runs WHERE sweep_id IS NULL"), 1);
  EXPECT_EQ(count(all, "SELECT count(*) FROM metrics"), 8);
  EXPECT_EQ(count(all, "SELECT count(*) FROM measurements"), 4);
  EXPECT_EQ(count(all, "SELECT count(*) FROM predictions"), 8);
  EXPECT_EQ(scalar(all, "SELECT value FROM metrics m JOIN runs r ON r.id = m.run_id "
                        "WHERE r.cell = 3 AND m.epoch = 1"),
            "0.56");

  for (const char* shard : {"a.db", "b.db"}) {
    const auto again = merge(all, shard);
    EXPECT_EQ(again.added, 0) << shard;
    EXPECT_EQ(again.replaced, 0) << shard;
    EXPECT_EQ(again.conflicts, 0) << shard;
    EXPECT_EQ(again.skipped, 5 - (std::string(shard) == "a.db")) << shard;
  }
  EXPECT_EQ(count(all, "SELECT count(*) FROM runs"), 5);
  EXPECT_EQ(count(all, "SELECT count(*) FROM metrics"), 8);
}

TEST_F(MergeTest, DifferentFinishedResultsAreConflictsAndOursAreKept) {
  write_shard("a.db", {0});
  write_shard("c.db", {0}, "done", 0.9);  // same run, other numbers
  ResultStore all(path("all.db"));
  merge(all, "a.db");
  const auto r = merge(all, "c.db");
  EXPECT_EQ(r.conflicts, 1);
  ASSERT_EQ(r.conflict_details.size(), 1u);
  EXPECT_THAT(r.conflict_details[0], HasSubstr("sweep 'sweep'"));
  EXPECT_THAT(r.conflict_details[0], HasSubstr("cell 0"));
  EXPECT_THAT(r.conflict_details[0], HasSubstr("h0"));
  EXPECT_EQ(scalar(all, "SELECT value FROM metrics m JOIN runs r ON r.id = m.run_id "
                        "WHERE r.cell = 0 AND m.epoch = 0"),
            "0.5");
}

TEST_F(MergeTest, DoneReplacesFailedButNotTheOtherWayRound) {
  write_shard("failed.db", {1}, "failed");
  write_shard("done.db", {1}, "done");
  ResultStore x(path("x.db"));
  merge(x, "failed.db");
  EXPECT_EQ(merge(x, "done.db").replaced, 1);
  EXPECT_EQ(scalar(x, "SELECT status FROM runs WHERE cell = 1"), "done");
  const auto back = merge(x, "failed.db");
  EXPECT_EQ(back.replaced, 0);
  EXPECT_EQ(back.conflicts, 0);
  EXPECT_EQ(scalar(x, "SELECT status FROM runs WHERE cell = 1"), "done");
  EXPECT_EQ(count(x, "SELECT count(*) FROM metrics"), 2);
}

TEST_F(MergeTest, DoneVersusOomIsAConflict) {
  write_shard("a.db", {2}, "done");
  write_shard("b.db", {2}, "oom");
  ResultStore x(path("x.db"));
  merge(x, "a.db");
  const auto r = merge(x, "b.db");
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_THAT(r.conflict_details.at(0), HasSubstr("oom"));
}

TEST_F(MergeTest, DifferentSpecHashesAreDifferentSweeps) {
  {
    ResultStore a(path("a.db"));
    testing::make_sweep(a, 2, "sweep", "v1");
  }
  {
    ResultStore b(path("b.db"));
    testing::make_sweep(b, 2, "sweep", "v2");
  }
  ResultStore x(path("x.db"));
  EXPECT_EQ(merge(x, "a.db").added, 2);
  EXPECT_EQ(merge(x, "b.db").added, 2);
  EXPECT_EQ(count(x, "SELECT count(*) FROM sweeps"), 2);
}

TEST_F(MergeTest, MissingShardSelfAndNonDatabaseAreErrors) {
  ResultStore x(path("x.db"));
  EXPECT_THROW(x.merge_from(path("absent.db")), StoreError);
  EXPECT_FALSE(std::filesystem::exists(path("absent.db")));
  EXPECT_THROW(x.merge_from(path("x.db")), StoreError);
  testing::write_file(path("junk.db"), std::string(4096, 'j'));
  try {
    x.merge_from(path("junk.db"));
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path("junk.db").string()));
  }
  // The store is still usable (the shard was detached).
  EXPECT_EQ(count(x, "SELECT count(*) FROM runs"), 0);
  write_shard("ok.db", {0});
  EXPECT_EQ(x.merge_from(path("ok.db")).added, 4);
}

}  // namespace
}  // namespace pgd::store
