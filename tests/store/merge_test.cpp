// merge_from: shards written by separate cluster tasks folded into one database.
#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/store/result_store.h"
#include "tests/store/store_test_util.h"

namespace pgd::store {
namespace {

using testing::count;
using ::testing::HasSubstr;
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
  EXPECT_EQ(scalar(all,
                   "SELECT value FROM metrics m JOIN runs r ON r.id = m.run_id "
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
  EXPECT_EQ(scalar(all,
                   "SELECT value FROM metrics m JOIN runs r ON r.id = m.run_id "
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

// Two shards that both finished the same attempt of a run differently: no order between them.
TEST_F(MergeTest, DoneVersusOomIsAConflict) {
  write_shard("a.db", {2}, "done");
  write_shard("b.db", {2}, "oom");
  ResultStore x(path("x.db"));
  merge(x, "a.db");
  const auto r = merge(x, "b.db");
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_THAT(r.conflict_details.at(0), HasSubstr("oom"));
}

// Issue 17, item 2: a shard merged while its task still ran stored a `running` row, and the
// later `done` shard was then refused as a conflict ("ours is still running"), forever. Now the
// snapshots of one shard, merged in any order and any number of times, end where merging the
// last one alone ends.
TEST_F(MergeTest, SnapshotsOfAShardMergedInAnyOrderConvergeOnItsLastState) {
  const auto shard = path("cell.db");
  std::vector<std::filesystem::path> snapshots;
  auto snapshot = [&] {  // the store is closed here, so the file holds everything (WAL folded in)
    const auto to = path("snap-" + std::to_string(snapshots.size()) + ".db");
    std::filesystem::copy_file(shard, to);
    snapshots.push_back(to);
  };
  int64_t sweep = 0;
  {
    ResultStore s(shard);
    sweep = testing::make_sweep(s, 2);
  }
  snapshot();  // 0: both cells pending
  const auto prov = testing::test_provenance();
  ClaimRules retry;
  retry.retry_unfinished = true;
  auto step = [&](const std::function<void(ResultStore&)>& f) {
    {
      ResultStore s(shard);
      f(s);
    }
    snapshot();
  };
  int64_t id = 0;
  step([&](ResultStore& s) {  // 1: cell 0 running, one epoch recorded
    id = s.claim_next(sweep, "task:1", prov, retry)->id;
    s.add_metric(id, 0, "val", "accuracy", 0.2);
  });
  step([&](ResultStore& s) { s.finish_run(id, "failed", "killed"); });  // 2: attempt 1 failed
  step([&](ResultStore& s) {                                            // 3: attempt 2 running
    ASSERT_EQ(s.claim_next(sweep, "task:2", prov, retry)->id, id);
    s.add_metric(id, 0, "val", "accuracy", 0.3);
  });
  step([&](ResultStore& s) { s.heartbeat(id); });  // 4: still running, newer heartbeat
  step([&](ResultStore& s) {                       // 5: attempt 2 done; cell 1 running
    s.add_metric(id, 1, "val", "accuracy", 0.4);
    s.finish_run(id, "done");
    s.claim_next(sweep, "task:2", prov, retry);
  });

  auto state = [&](const std::string& db_name) {
    ResultStore x(path(db_name));
    std::string out;
    for (const auto& row : x.query("SELECT r.cell, r.status, r.attempts, r.owner, "
                                   "group_concat(m.epoch || ':' || m.value, ',') "
                                   "FROM runs r LEFT JOIN metrics m ON m.run_id = r.id "
                                   "GROUP BY r.id ORDER BY r.cell")
                               .rows) {
      for (const auto& v : row) out += v.value_or("NULL") + "|";
      out += "\n";
    }
    return out;
  };
  {
    ResultStore once(path("once.db"));
    EXPECT_EQ(once.merge_from(snapshots.back()).conflicts, 0);
  }
  const std::string expected = state("once.db");
  EXPECT_NE(expected.find("0|done|2|task:2|0:0.3,1:0.4|"), std::string::npos) << expected;
  EXPECT_NE(expected.find("1|running|1|"), std::string::npos) << expected;

  const std::vector<std::vector<size_t>> orders = {
      {0, 1, 2, 3, 4, 5}, {5, 4, 3, 2, 1, 0}, {3, 1, 5, 0, 4, 2}, {1, 1, 4, 4, 5, 5, 2}};
  for (size_t o = 0; o < orders.size(); ++o) {
    const std::string name = "order-" + std::to_string(o) + ".db";
    {
      ResultStore x(path(name));
      for (size_t i : orders[o]) {
        const auto r = x.merge_from(snapshots[i]);
        EXPECT_EQ(r.conflicts, 0) << "order " << o << " snapshot " << i;
      }
    }
    EXPECT_EQ(state(name), expected) << "order " << o;
  }
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
