// Opening a results database: pragmas, migrations, and the files we must refuse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/store/result_store.h"
#include "harness/store/schema.h"
#include "harness/store/sqlite_db.h"
#include "tests/store/store_test_util.h"

namespace pgd::store {
namespace {

using ::testing::AllOf;
using testing::count;
using ::testing::HasSubstr;
using testing::scalar;

class OpenMigrateTest : public testing::TempDirTest {};

// The message of the StoreError `f` throws; fails the test when it throws nothing.
template <class F>
std::string store_error(F&& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a StoreError";
  return "";
}

// This program's migrations and one more (version `next_version()`), to test the machinery on
// a version nobody has released.
int next_version() { return ResultStore::schema_version() + 1; }
std::vector<detail::Migration> with_next() {
  auto list = detail::migrations();
  list.push_back({next_version(), "test: a note on runs",
                  "ALTER TABLE runs ADD COLUMN note TEXT DEFAULT 'n';"});
  return list;
}

TEST_F(OpenMigrateTest, FreshFileGetsLatestSchemaAndPragmas) {
  ResultStore store(path("fresh.db"));
  EXPECT_EQ(store.user_version(), ResultStore::schema_version());
  EXPECT_GE(ResultStore::schema_version(), 1);
  EXPECT_EQ(store.journal_mode(), "wal");
  EXPECT_EQ(store.journal_note(), "");
  EXPECT_EQ(scalar(store, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(scalar(store, "PRAGMA synchronous"), "1");  // NORMAL
  EXPECT_EQ(std::stoll(scalar(store, "PRAGMA busy_timeout")), detail::kBusyTimeoutMs);
  for (const char* table : {"sweeps", "runs", "metrics", "predictions", "measurements"})
    EXPECT_EQ(count(store, std::string("SELECT count(*) FROM sqlite_master WHERE type='table' "
                                       "AND name='") +
                               table + "'"),
              1)
        << table;
  for (const char* index :
       {"metrics_by_run", "predictions_by_run", "measurements_by_run", "runs_by_sweep_status"})
    EXPECT_EQ(count(store, std::string("SELECT count(*) FROM sqlite_master WHERE type='index' "
                                       "AND name='") +
                               index + "'"),
              1)
        << index;
}

TEST_F(OpenMigrateTest, CreatesMissingParentFolders) {
  ResultStore store(path("a/b/c.db"));
  EXPECT_TRUE(std::filesystem::exists(path("a/b/c.db")));
}

TEST_F(OpenMigrateTest, EmptyFileIsMigratedFromVersionZero) {
  testing::write_file(path("empty.db"), "");
  ResultStore store(path("empty.db"));
  EXPECT_EQ(store.user_version(), ResultStore::schema_version());
}

TEST_F(OpenMigrateTest, ReopeningKeepsDataAndVersion) {
  int64_t sweep = 0;
  {
    ResultStore store(path("r.db"));
    sweep = testing::make_sweep(store, 3);
  }
  ResultStore again(path("r.db"));
  EXPECT_EQ(again.user_version(), ResultStore::schema_version());
  EXPECT_EQ(again.runs(sweep).size(), 3u);
}

// A database written by a program that knew only v1 (data included) opens and is migrated to
// whatever this program's latest version is.
TEST_F(OpenMigrateTest, VersionOneDatabaseOpens) {
  {
    detail::Db db(path("v1.db"), true);
    detail::apply_migrations(db, {detail::migrations().front()});
    EXPECT_EQ(detail::read_user_version(db), 1);
    db.exec(
        "INSERT INTO sweeps (name, spec, spec_hash) VALUES ('old', '{}', 's');"
        "INSERT INTO runs (sweep_id, cell, config, config_hash, status) "
        "VALUES (1, 0, '{\"a\":1}', 'h0', 'done');"
        "INSERT INTO runs (sweep_id, cell, config, config_hash, status, started_at) "
        "VALUES (1, 1, '{}', 'h1', 'failed', '2026-01-01T00:00:00.000Z');");
  }
  ResultStore store(path("v1.db"));
  EXPECT_EQ(store.user_version(), ResultStore::schema_version());
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].status, "done");
  EXPECT_EQ(runs[0].config["a"], 1);
  // v2 counts a run that was started under v1 as one attempt, one never started as none.
  EXPECT_EQ(runs[0].attempts, 0);
  EXPECT_EQ(runs[1].attempts, 1);
}

// The migration machinery with an appended migration: the data survives and the new column
// appears; this program, which knows one version fewer than the file, then refuses it.
TEST_F(OpenMigrateTest, AppendedMigrationUpgradesDatabase) {
  {
    ResultStore store(path("up.db"));
    testing::make_sweep(store, 2);
  }
  {
    detail::Db db(path("up.db"), false);
    detail::apply_migrations(db, with_next());
    EXPECT_EQ(detail::read_user_version(db), next_version());
    EXPECT_EQ(db.scalar_int("SELECT count(*) FROM runs WHERE note = 'n'"), 2);
    detail::apply_migrations(db, with_next());  // idempotent
    EXPECT_EQ(detail::read_user_version(db), next_version());
  }
  const std::string msg = store_error([&] { ResultStore store(path("up.db")); });
  EXPECT_THAT(msg, AllOf(HasSubstr(path("up.db").string()),
                         HasSubstr("version " + std::to_string(next_version())),
                         HasSubstr("version " + std::to_string(ResultStore::schema_version()))));
}

TEST_F(OpenMigrateTest, MigrationListMustBeInOrder) {
  detail::Db db(path("order.db"), true);
  auto list = with_next();
  std::swap(list[0], list[1]);
  EXPECT_THAT(store_error([&] { detail::apply_migrations(db, list); }), HasSubstr("out of order"));
  EXPECT_EQ(detail::read_user_version(db), 0);
}

TEST_F(OpenMigrateTest, FailingMigrationRollsBackAndNamesVersion) {
  { ResultStore store(path("bad.db")); }
  detail::Db db(path("bad.db"), false);
  auto list = detail::migrations();
  list.push_back({static_cast<int>(list.size()) + 1, "broken", "CREATE TABLE runs (x);"});
  const std::string msg = store_error([&] { detail::apply_migrations(db, list); });
  EXPECT_THAT(msg, AllOf(HasSubstr(path("bad.db").string()), HasSubstr("broken"),
                         HasSubstr("already exists")));
  EXPECT_EQ(detail::read_user_version(db), ResultStore::schema_version());
}

TEST_F(OpenMigrateTest, NewerDatabaseIsRejectedWithBothVersions) {
  {
    detail::Db db(path("new.db"), true);
    db.exec("PRAGMA user_version = 99");
  }
  const std::string msg = store_error([&] { ResultStore store(path("new.db")); });
  EXPECT_THAT(msg, AllOf(HasSubstr(path("new.db").string()), HasSubstr("99"),
                         HasSubstr("version " + std::to_string(ResultStore::schema_version()))));
  detail::Db db(path("new.db"), false);
  EXPECT_EQ(detail::read_user_version(db), 99);
}

TEST_F(OpenMigrateTest, NonDatabaseFileIsRejectedAndLeftUntouched) {
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "this is a CSV file, not a database," + std::to_string(i) + "\n";
  testing::write_file(path("notes.csv"), text);
  const std::string msg = store_error([&] { ResultStore store(path("notes.csv")); });
  EXPECT_THAT(msg,
              AllOf(HasSubstr(path("notes.csv").string()), HasSubstr("not a SQLite database")));
  EXPECT_EQ(testing::read_file(path("notes.csv")), text);
  EXPECT_FALSE(std::filesystem::exists(path("notes.csv-wal")));
  EXPECT_FALSE(std::filesystem::exists(path("notes.csv-journal")));
}

TEST_F(OpenMigrateTest, ForeignSqliteDatabaseIsRejected) {
  {
    detail::Db db(path("other.db"), true);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
  }
  const std::string msg = store_error([&] { ResultStore store(path("other.db")); });
  EXPECT_THAT(msg, AllOf(HasSubstr(path("other.db").string()), HasSubstr("not a patchgd")));
  detail::Db db(path("other.db"), false);
  EXPECT_EQ(db.scalar_int("SELECT count(*) FROM sqlite_master WHERE name = 'runs'"), 0);
}

TEST_F(OpenMigrateTest, UnwritablePathsAreRejectedByName) {
  testing::write_file(path("plain_file"), "x");
  const auto under_file = path("plain_file") / "sub" / "r.db";
  EXPECT_THAT(store_error([&] { ResultStore store(under_file); }), HasSubstr(under_file.string()));
  std::filesystem::create_directories(path("a_folder"));
  EXPECT_THAT(store_error([&] { ResultStore store(path("a_folder")); }),
              HasSubstr(path("a_folder").string()));
}

TEST_F(OpenMigrateTest, TimestampsAreIsoUtcWithMilliseconds) {
  ResultStore store(path("t.db"));
  const int64_t sweep = testing::make_sweep(store, 1);
  const auto run = store.claim_next(sweep, "me:1", testing::test_provenance(), false);
  ASSERT_TRUE(run);
  const ::testing::Matcher<std::string> iso =
      ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z");
  EXPECT_THAT(run->created_at, iso);
  EXPECT_THAT(run->started_at, iso);
  EXPECT_THAT(run->heartbeat_at, iso);
  EXPECT_THAT(scalar(store, "SELECT created_at FROM sweeps"), iso);
}

}  // namespace
}  // namespace pgd::store
