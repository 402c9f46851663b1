#include "harness/store/schema.h"

namespace pgd::store::detail {
namespace {

// v1: the initial schema. Timestamps are ISO-8601 UTC text with milliseconds (see kNowSql),
// JSON columns are checked with json_valid so that json_extract() in recipes never meets junk.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE sweeps (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  file       TEXT NOT NULL DEFAULT '',
  spec       TEXT NOT NULL CHECK (json_valid(spec)),
  spec_hash  TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (name, spec_hash)
);

CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  sweep_id        INTEGER REFERENCES sweeps(id) ON DELETE CASCADE,
  cell            INTEGER NOT NULL DEFAULT 0,
  config          TEXT NOT NULL CHECK (json_valid(config)),
  config_hash     TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending','running','done','oom','failed','cancelled')),
  error           TEXT,
  seed            INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  started_at      TEXT,
  finished_at     TEXT,
  heartbeat_at    TEXT,
  owner           TEXT,
  git_commit      TEXT,
  git_dirty       INTEGER CHECK (git_dirty IN (0, 1)),
  host            TEXT,
  cpu_model       TEXT,
  gpu_name        TEXT,
  torch_version   TEXT,
  threads         INTEGER,
  patchgd_version TEXT,
  -- NULLs are distinct in SQLite, so this binds sweep runs only; single runs may repeat a hash.
  UNIQUE (sweep_id, config_hash)
);
CREATE INDEX runs_by_sweep_status ON runs(sweep_id, status, cell);
CREATE INDEX runs_by_hash ON runs(config_hash);

CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch  INTEGER NOT NULL,
  split  TEXT NOT NULL,
  name   TEXT NOT NULL,
  value  REAL
);
CREATE INDEX metrics_by_run ON metrics(run_id, split, name, epoch);

CREATE TABLE predictions (
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split     TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  label     INTEGER NOT NULL,
  predicted INTEGER NOT NULL
);
CREATE INDEX predictions_by_run ON predictions(run_id, split);

CREATE TABLE measurements (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  value  REAL,
  unit   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX measurements_by_run ON measurements(run_id, name);
)sql";

// v2: runs.attempts, how many times a run was claimed, so that --resume can stop retrying a run
// that keeps failing (--max-attempts). Runs started under v1 count as one attempt.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET attempts = 1 WHERE started_at IS NOT NULL;
)sql";

}  // namespace

const char* const kRunDataColumns =
    "cell, config, config_hash, status, error, seed, created_at, started_at, finished_at, "
    "heartbeat_at, owner, git_commit, git_dirty, host, cpu_model, gpu_name, torch_version, "
    "threads, patchgd_version, attempts";

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "initial schema: sweeps, runs, metrics, predictions, measurements", kSchemaV1},
      {2, "runs.attempts: claims per run, for --max-attempts", kSchemaV2},
  };
  return list;
}

int latest_version(const std::vector<Migration>& list) {
  return list.empty() ? 0 : list.back().version;
}

int read_user_version(const Db& db) {
  return static_cast<int>(db.scalar_int("PRAGMA main.user_version"));
}

void check_is_results_database(const Db& db, const std::vector<Migration>& list) {
  // One statement, so one snapshot: read separately, another process's first migration can
  // commit between the version read (0) and the table count (5), which looked like a foreign
  // database to the late opener.
  const int64_t tables = db.scalar_int(
      "SELECT CASE WHEN (SELECT user_version FROM pragma_user_version) = 0 THEN "
      "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%') "
      "ELSE 0 END");
  if (tables > 0)
    throw StoreError("results database " + db.path() + " is a SQLite database with " +
                     std::to_string(tables) +
                     " table(s) but no schema version: not a patchgd results database");
}

void apply_migrations(Db& db, const std::vector<Migration>& list) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].version != static_cast<int>(i) + 1)
      throw StoreError("migration list for " + db.path() + " is out of order: entry " +
                       std::to_string(i) + " has version " + std::to_string(list[i].version));
  const int latest = latest_version(list);
  // Cheap check without the write lock: the common case is a database already up to date.
  int current = read_user_version(db);
  if (current == latest) return;
  auto newer = [&](int found) {
    return StoreError("results database " + db.path() + " has schema version " +
                      std::to_string(found) + ", newer than this program's version " +
                      std::to_string(latest) + "; use a newer patchgd to open it");
  };
  if (current > latest) throw newer(current);

  WriteTransaction tx(db);
  current = read_user_version(db);  // another process may have migrated meanwhile
  if (current > latest) throw newer(current);
  for (const Migration& m : list) {
    if (m.version <= current) continue;
    try {
      db.exec(m.sql);
      db.exec("PRAGMA main.user_version = " + std::to_string(m.version));
    } catch (const StoreError& e) {
      throw StoreError("migrating " + db.path() + " to schema version " +
                       std::to_string(m.version) + " (" + m.summary + ") failed: " + e.what());
    }
  }
  tx.commit();
}

}  // namespace pgd::store::detail
