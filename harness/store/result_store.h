#pragma once
// The results database (SQLite, WAL, versioned schema). The only code that speaks SQL.
// Every write is its own transaction (BEGIN IMMEDIATE, busy timeout), so several processes
// may write one database at once and a killed process loses nothing it had committed.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgd::store {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// read_query was given a statement that would change the database; nothing of it ran.
struct WriteRefused : StoreError {
  using StoreError::StoreError;
};

// Where and with what a run was made (Hydra/MLflow-style provenance).
struct Provenance {
  std::string git_commit;
  bool git_dirty = false;
  std::string host;
  std::string cpu_model;
  std::string gpu_name;  // empty when none
  std::string torch_version;
  int64_t threads = 0;
  std::string patchgd_version;
};

struct RunRecord {
  int64_t id = 0;
  int64_t sweep_id = 0;  // 0 when the run is not part of a sweep
  int64_t cell = 0;      // index of the run within its sweep's expansion
  std::string config_hash;
  nlohmann::json config;  // the resolved config
  std::string status;     // pending | running | done | oom | failed | cancelled
  std::string error;
  int64_t seed = 0;
  std::string created_at, started_at, finished_at, heartbeat_at;
  std::string owner;      // host:pid of the process running it
  Provenance provenance;  // as recorded when the run was claimed or started
  int64_t attempts = 0;   // times claimed (or started); 0 while never started
};

// What claim_next may take besides pending runs.
struct ClaimRules {
  // Resume: failed and cancelled runs too, but only those started before `retry_started_before`
  // (the start of this invocation, see ResultStore::now), so that a run this invocation has
  // just failed is not claimed again in a loop; empty = any. And only those claimed fewer than
  // `max_attempts` times (0 = no limit).
  bool retry_unfinished = false;
  std::string retry_started_before;
  int64_t max_attempts = 0;
  // A running run whose heartbeat is older than this has lost its process: taken over.
  int64_t stale_after_s = 120;
  int64_t only_cell = -1;  // >= 0: claim only this cell
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = SQL NULL
};

// One connection. Use one ResultStore per thread (its transactions are per connection);
// processes share a database safely.
class ResultStore {
 public:
  // Opens (creating the file and its folders if needed), sets WAL, busy_timeout 30 s,
  // foreign_keys=ON, synchronous=NORMAL, and migrates to the current schema. Throws StoreError
  // naming the path when it cannot be created or written, is not a SQLite database, is another
  // program's SQLite database, or is newer than this program (both versions named). A rejected
  // file is left untouched.
  explicit ResultStore(const std::filesystem::path& path);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  static int schema_version();  // the version this program writes
  int user_version() const;     // PRAGMA user_version of the open database
  const std::filesystem::path& path() const { return path_; }
  // "wal" normally; "delete" where WAL could not be set (network file systems), in which case
  // journal_note() says why and what to do instead (shards + merge). Empty note under WAL.
  std::string journal_mode() const;
  const std::string& journal_note() const;

  // Sweeps: (name, file, spec) is unique by name + spec hash; returns the existing id if present.
  int64_t ensure_sweep(const std::string& name, const std::string& file, const nlohmann::json& spec,
                       const std::string& spec_hash);
  // Adds the sweep's cell as a pending run unless a run with that sweep and hash exists;
  // returns its id either way.
  int64_t ensure_run(int64_t sweep_id, int64_t cell, const nlohmann::json& config,
                     const std::string& config_hash, int64_t seed);
  // Atomically (one BEGIN IMMEDIATE transaction, safe across processes) claims the claimable run
  // with the lowest cell: pending; failed or cancelled as `rules` allow (resume); running with a
  // heartbeat older than `rules.stale_after_s` (its owner died). done and oom are never claimed.
  // Marks it running with `owner`, provenance, started_at and heartbeat_at, and deletes the
  // metrics, predictions and measurements of its earlier attempt. nullopt when none is left.
  // Each claim adds one to the run's attempts.
  std::optional<RunRecord> claim_next(int64_t sweep_id, const std::string& owner,
                                      const Provenance& prov, const ClaimRules& rules);
  // The same with ClaimRules{retry_unfinished, "", 0, stale_after_s}: no bound on retries.
  std::optional<RunRecord> claim_next(int64_t sweep_id, const std::string& owner,
                                      const Provenance& prov, bool retry_unfinished,
                                      int64_t stale_after_s = 120);
  // The database's clock, in the format of the *_at columns (ISO-8601 UTC, milliseconds).
  std::string now() const;
  // A single run outside a sweep (patchgd run): inserted as running.
  int64_t start_single_run(const nlohmann::json& config, const std::string& config_hash,
                           int64_t seed, const std::string& owner, const Provenance& prov);

  // Refreshes heartbeat_at of a running run (no-op for other statuses); throws if no such run.
  void heartbeat(int64_t run_id);
  // `status`: done | oom | failed | cancelled; sets error (NULL when empty) and finished_at.
  void finish_run(int64_t run_id, const std::string& status, const std::string& error = "");

  // A NaN value is stored as NULL (SQLite has no NaN).
  void add_metric(int64_t run_id, int64_t epoch, const std::string& split, const std::string& name,
                  double value);
  struct Prediction {
    std::string sample_id;
    int64_t label;
    int64_t predicted;
  };
  void add_predictions(int64_t run_id, const std::string& split, const std::vector<Prediction>& p);
  // The run's predictions on `split` become `p` (one transaction): what a run stores for its best
  // epoch, each time a better one replaces it.
  void replace_predictions(int64_t run_id, const std::string& split,
                           const std::vector<Prediction>& p);
  void add_measurement(int64_t run_id, const std::string& name, double value,
                       const std::string& unit);

  std::optional<RunRecord> run(int64_t run_id) const;
  std::vector<RunRecord> runs(std::optional<int64_t> sweep_id = std::nullopt) const;
  // Counts by status for a sweep.
  std::vector<std::pair<std::string, int64_t>> status_counts(int64_t sweep_id) const;

  // Arbitrary SQL for `patchgd query` and the table renderers. Several statements may be given;
  // the result is that of the last one that returns columns. Meant for reads: a write given here
  // runs in autocommit mode. Throws StoreError with SQLite's message and the statement.
  QueryResult query(const std::string& sql) const;
  // The same for SQL from a user (`patchgd query`): each statement is compiled and checked before
  // it runs, and one that would write (INSERT, UPDATE, DELETE, DROP, PRAGMA that sets, ...)
  // throws WriteRefused naming it; the statements before it only read, so nothing changes.
  QueryResult read_query(const std::string& sql) const;

  // The listing behind `patchgd runs list`: one row per run with its sweep, status, method,
  // backbone, dataset, size, cap, best validation accuracy, short hash and error. Empty
  // filters match everything.
  QueryResult run_listing(const std::string& sweep_name, const std::string& status) const;

  // Copies the sweeps and runs (with metrics, predictions, measurements) of another database
  // (a shard) into this one, in one transaction. A run is identified by (sweep name, spec hash,
  // config hash), or (config hash, started_at) outside a sweep. Of two rows of one run the one
  // further along is kept: done/oom over anything unfinished; then more attempts; then
  // pending < running < failed/cancelled; then the newer finish or heartbeat. Per shard run:
  //  - absent here                                       -> added
  //  - further along than ours                           -> replaced by the shard's
  //  - level with or behind ours                         -> skipped
  //  - both done/oom at the same attempt, with a different status or results -> conflict: ours
  //    is kept and a line naming the sweep, cell, hash and both statuses goes to conflict_details.
  // Within a shard a run only moves forward in that order, so merges converge: merging while
  // tasks run, twice, or out of order ends as one merge at the end would. The shard must exist
  // and is migrated if older.
  struct MergeReport {
    int64_t added = 0, skipped = 0, conflicts = 0;
    int64_t replaced = 0;  // target runs overwritten by a more finished shard run
    std::vector<std::string> conflict_details;
  };
  MergeReport merge_from(const std::filesystem::path& shard);

 private:
  void migrate();
  struct Impl;
  Impl* impl_;
  std::filesystem::path path_;
};

}  // namespace pgd::store
