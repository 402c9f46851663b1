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

// Where and with what a run was made (Hydra/MLflow-style provenance).
struct Provenance {
  std::string git_commit;
  bool git_dirty = false;
  std::string host;
  std::string cpu_model;
  std::string gpu_name;          // empty when none
  std::string torch_version;
  int64_t threads = 0;
  std::string patchgd_version;
};

struct RunRecord {
  int64_t id = 0;
  int64_t sweep_id = 0;          // 0 when the run is not part of a sweep
  int64_t cell = 0;              // index of the run within its sweep's expansion
  std::string config_hash;
  nlohmann::json config;         // the resolved config
  std::string status;            // pending | running | done | oom | failed | cancelled
  std::string error;
  int64_t seed = 0;
  std::string created_at, started_at, finished_at, heartbeat_at;
  std::string owner;             // host:pid of the process running it
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = SQL NULL
};

class ResultStore {
 public:
  // Opens (creating if needed) and migrates to the current schema. Throws StoreError naming
  // the path when it cannot be opened, is not a database, or is newer than this program.
  explicit ResultStore(const std::filesystem::path& path);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  static int schema_version();   // the version this program writes
  int user_version() const;      // PRAGMA user_version of the open database
  const std::filesystem::path& path() const { return path_; }

  // Sweeps: (name, file, spec) is unique by name + spec hash; returns the existing id if present.
  int64_t ensure_sweep(const std::string& name, const std::string& file, const nlohmann::json& spec,
                       const std::string& spec_hash);
  // Adds the sweep's cell as a pending run unless a run with that sweep and hash exists;
  // returns its id either way.
  int64_t ensure_run(int64_t sweep_id, int64_t cell, const nlohmann::json& config,
                     const std::string& config_hash, int64_t seed);
  // Atomically claims the next claimable run of the sweep: pending, or running/failed/cancelled
  // ones when `retry_unfinished` (resume), or running with a heartbeat older than `stale_after_s`.
  // Marks it running with `owner` and provenance. nullopt when none is left.
  std::optional<RunRecord> claim_next(int64_t sweep_id, const std::string& owner,
                                      const Provenance& prov, bool retry_unfinished,
                                      int64_t stale_after_s = 120);
  // A single run outside a sweep (patchgd run): inserted as running.
  int64_t start_single_run(const nlohmann::json& config, const std::string& config_hash,
                           int64_t seed, const std::string& owner, const Provenance& prov);

  void heartbeat(int64_t run_id);
  void finish_run(int64_t run_id, const std::string& status, const std::string& error = "");

  void add_metric(int64_t run_id, int64_t epoch, const std::string& split, const std::string& name,
                  double value);
  struct Prediction {
    std::string sample_id;
    int64_t label;
    int64_t predicted;
  };
  void add_predictions(int64_t run_id, const std::string& split, const std::vector<Prediction>& p);
  void add_measurement(int64_t run_id, const std::string& name, double value,
                       const std::string& unit);

  std::optional<RunRecord> run(int64_t run_id) const;
  std::vector<RunRecord> runs(std::optional<int64_t> sweep_id = std::nullopt) const;
  // Counts by status for a sweep.
  std::vector<std::pair<std::string, int64_t>> status_counts(int64_t sweep_id) const;

  // Arbitrary SQL for `patchgd query` and the table renderers (read-only statements).
  QueryResult query(const std::string& sql) const;

  // Copies the runs (with metrics, predictions, measurements) of another database into this one,
  // skipping runs whose (config hash, sweep name, cell) already exist with a finished status.
  struct MergeReport {
    int64_t added = 0, skipped = 0, conflicts = 0;
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
