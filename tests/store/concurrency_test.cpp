// Several processes writing one database at once: appends are never lost and every run of a
// sweep is claimed exactly once (claim_next's BEGIN IMMEDIATE transaction is the whole guarantee).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <map>

#include "harness/store/result_store.h"
#include "tests/store/store_test_util.h"

namespace pgd::store {
namespace {

using testing::count;

constexpr int kChildren = 4;
constexpr int kMetricsPerChild = 200;
constexpr int kRuns = 40;

class ConcurrencyTest : public testing::TempDirTest {};

// Forks kChildren processes, child i running child(i) and exiting with what it returns, then
// waits for them all: success when every one exited 0, else each failure with what its
// error_file(i) says.
::testing::AssertionResult run_children(
    const std::function<int(int)>& child,
    const std::function<std::filesystem::path(int)>& error_file) {
  std::vector<pid_t> pids;
  for (int i = 0; i < kChildren; ++i) {
    const pid_t pid = fork();
    if (pid < 0) return ::testing::AssertionFailure() << "fork failed";
    if (pid == 0) _exit(child(i));
    pids.push_back(pid);
  }
  ::testing::AssertionResult result = ::testing::AssertionSuccess();
  for (int i = 0; i < kChildren; ++i) {
    int status = 0;
    if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      if (result) result = ::testing::AssertionFailure();
      result << "child " << i << " (status " << status << "): " << testing::read_file(error_file(i))
             << "; ";
    }
  }
  return result;
}

// The child's whole life: opens its own connection (never inherit one across fork), appends,
// claims until none is left, and writes the ids it claimed to its own file. Exit code 0 = ok.
int child_main(const std::filesystem::path& db_path, int64_t sweep, int64_t metric_run, int index,
               const std::filesystem::path& claims_file) {
  try {
    ResultStore store(db_path);
    const std::string owner = "child" + std::to_string(index) + ":" + std::to_string(getpid());
    const Provenance prov = testing::test_provenance("child" + std::to_string(index));
    std::ofstream claims(claims_file);
    // Interleave appends with claims so that both kinds of writer contend.
    int appended = 0;
    for (;;) {
      for (int i = 0; i < 10 && appended < kMetricsPerChild; ++i, ++appended)
        store.add_metric(metric_run, appended, "child" + std::to_string(index), "loss", appended);
      const auto run = store.claim_next(sweep, owner, prov, false);
      if (!run) break;
      claims << run->id << "\n" << std::flush;
      store.add_metric(run->id, 0, "val", "accuracy", 0.5);
      store.finish_run(run->id, "done");
    }
    for (; appended < kMetricsPerChild; ++appended)
      store.add_metric(metric_run, appended, "child" + std::to_string(index), "loss", appended);
    return 0;
  } catch (const std::exception& e) {
    std::ofstream(claims_file.string() + ".error") << e.what();
    return 1;
  }
}

TEST_F(ConcurrencyTest, ForkedWritersAppendAndClaimWithoutLossOrDuplicates) {
  const auto db_path = path("shared.db");
  int64_t sweep = 0, metric_run = 0;
  {
    ResultStore store(db_path);
    sweep = testing::make_sweep(store, kRuns);
    metric_run = store.start_single_run({{"purpose", "appends"}}, "m", 0, "parent", {});
  }  // closed before fork: SQLite connections must not cross fork()

  EXPECT_TRUE(run_children(
      [&](int i) {
        return child_main(db_path, sweep, metric_run, i, path("claims" + std::to_string(i)));
      },
      [&](int i) { return path("claims" + std::to_string(i) + ".error"); }));

  ResultStore store(db_path);
  EXPECT_EQ(
      count(store, "SELECT count(*) FROM metrics WHERE run_id = " + std::to_string(metric_run)),
      kChildren * kMetricsPerChild);
  for (int i = 0; i < kChildren; ++i)
    EXPECT_EQ(count(store, "SELECT count(DISTINCT epoch) FROM metrics WHERE split = 'child" +
                               std::to_string(i) + "'"),
              kMetricsPerChild);

  std::map<int64_t, int> claimed;
  for (int i = 0; i < kChildren; ++i) {
    std::ifstream in(path("claims" + std::to_string(i)));
    int64_t id = 0;
    while (in >> id) ++claimed[id];
  }
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kRuns));
  for (const auto& [id, times] : claimed) EXPECT_EQ(times, 1) << "run " << id;
  for (const RunRecord& r : store.runs(sweep)) {
    EXPECT_EQ(r.status, "done") << "run " << r.id;
    EXPECT_EQ(claimed.count(r.id), 1u) << "run " << r.id;
  }
  EXPECT_EQ(count(store, "SELECT count(*) FROM metrics WHERE split = 'val'"), kRuns);
}

// Workers started together on a database that does not exist yet: one creates and migrates it,
// the others wait and find it ready; nobody fails and nothing is made twice. The race window
// (a late opener reading the version before the first one commits and the tables after) is
// narrow, so the test runs many rounds, each on a new file; CI once hit it in one round.
TEST_F(ConcurrencyTest, SimultaneousFirstOpensMigrateOnce) {
  constexpr int kRounds = 40;
  for (int round = 0; round < kRounds; ++round) {
    const auto db_path = path("fresh" + std::to_string(round) + "/new.db");
    const auto error_file = [&](int i) { return path("open" + std::to_string(i) + ".error"); };
    ASSERT_TRUE(run_children(
        [&](int i) {
          try {
            ResultStore store(db_path);
            testing::make_sweep(store, 5);
            return store.user_version() == ResultStore::schema_version() ? 0 : 2;
          } catch (const std::exception& e) {
            std::ofstream(error_file(i)) << e.what();
            return 1;
          }
        },
        error_file))
        << "round " << round;
    ResultStore store(db_path);
    EXPECT_EQ(count(store, "SELECT count(*) FROM sweeps"), 1) << "round " << round;
    EXPECT_EQ(count(store, "SELECT count(*) FROM runs"), 5) << "round " << round;
    EXPECT_EQ(store.journal_mode(), "wal") << "round " << round;
  }
}

}  // namespace
}  // namespace pgd::store
