// ResultStore::merge_from: folds a shard (a results database written by one cluster task) into
// this database. The shard is ATTACHed to our connection so that rows are copied by SQLite with
// INSERT ... SELECT, in one write transaction: a failed merge leaves this database as it was.
#include <string>
#include <tuple>
#include <vector>

#include "harness/store/result_store.h"
#include "harness/store/result_store_impl.h"
#include "harness/store/schema.h"

namespace pgd::store {
namespace {

using detail::Db;
using detail::Statement;

constexpr const char* kChildTables[] = {"metrics", "predictions", "measurements"};

// The columns compared and copied for each child table (all but run_id).
const char* child_columns(const std::string& table) {
  if (table == "metrics") return "epoch, split, name, value";
  if (table == "predictions") return "split, sample_id, label, predicted";
  return "name, value, unit";
}

// How far a run got within one attempt.
int progress(const std::string& status) {
  if (status == "done" || status == "oom") return 3;
  if (status == "failed" || status == "cancelled") return 2;
  if (status == "running") return 1;
  return 0;  // pending
}

bool terminal(const std::string& status) { return progress(status) == 3; }

// Where a run's row stands in its history. Within one shard a run only ever moves up this order
// (pending < running < failed/cancelled < running again with attempts + 1 < ... < done/oom), so
// keeping the greater of two snapshots, whatever the order they arrive in, converges on the
// latest: merging while tasks run, twice, or out of order ends where one final merge would.
// A done/oom run outranks any unfinished one, whatever its attempt count (a result is never
// thrown away for a later failure elsewhere).
struct RunState {
  std::string status;
  int64_t attempts = 0;
  std::string last_seen;  // finished_at, else heartbeat_at: the newer snapshot of equal rank
};

// <0, 0 or >0 as a is behind, level with or ahead of b.
int compare(const RunState& a, const RunState& b) {
  const auto rank = [](const RunState& r) {
    return std::make_tuple(terminal(r.status) ? 1 : 0, r.attempts, progress(r.status));
  };
  if (rank(a) != rank(b)) return rank(a) < rank(b) ? -1 : 1;
  if (terminal(a.status)) return 0;  // two finished results of the same attempt: not ordered
  return a.last_seen.compare(b.last_seen);
}

struct ShardRun {
  int64_t id = 0;
  RunState state;
  std::string config_hash, started_at, sweep_name, spec_hash;
  int64_t cell = 0;
  bool in_sweep = false;
  int64_t target_sweep = 0;
};

struct TargetRun {
  int64_t id = 0;
  RunState state;
};

// DETACHes the shard however the merge ends (DETACH is refused inside a transaction, so this
// runs after the WriteTransaction has committed or rolled back).
class Attachment {
 public:
  Attachment(Db& db, const std::filesystem::path& shard) : db_(db) {
    Statement s = db_.prepare("ATTACH DATABASE ?1 AS shard");
    s.bind_text(1, shard.string());
    s.run();
  }
  ~Attachment() {
    try {
      db_.exec("DETACH DATABASE shard");
    } catch (const StoreError&) {
      // Nothing sensible to do in a destructor; the connection closes with the store anyway.
    }
  }

 private:
  Db& db_;
};

// The shard must be an existing results database at our schema version. Opening it as a
// ResultStore first reuses every check (not a database, newer, foreign) and migrates an older one.
void prepare_shard(const std::filesystem::path& shard, const std::filesystem::path& target) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(shard, ec))
    throw StoreError("shard " + shard.string() + " to merge into " + target.string() +
                     " does not exist or is not a file");
  if (std::filesystem::equivalent(shard, target, ec))
    throw StoreError("cannot merge results database " + target.string() + " into itself");
  ResultStore migrated(shard);
}

void copy_sweeps(Db& db) {
  db.exec(
      "INSERT INTO main.sweeps (name, file, spec, spec_hash, created_at) "
      "SELECT name, file, spec, spec_hash, created_at FROM shard.sweeps WHERE true "
      "ORDER BY id ON CONFLICT (name, spec_hash) DO NOTHING");
}

std::vector<ShardRun> shard_runs(const Db& db) {
  Statement s = db.prepare(
      "SELECT r.id, r.status, r.config_hash, r.started_at, r.cell, r.sweep_id IS NOT NULL, "
      "       s.name, s.spec_hash, m.id, r.attempts, coalesce(r.finished_at, r.heartbeat_at, '') "
      "FROM shard.runs r "
      "LEFT JOIN shard.sweeps s ON s.id = r.sweep_id "
      "LEFT JOIN main.sweeps m ON m.name = s.name AND m.spec_hash = s.spec_hash "
      "ORDER BY r.id");
  std::vector<ShardRun> out;
  while (s.step()) {
    ShardRun r;
    r.id = s.column_int(0);
    r.state.status = s.column_text(1);
    r.config_hash = s.column_text(2);
    r.started_at = s.column_text(3);
    r.cell = s.column_int(4);
    r.in_sweep = s.column_int(5) != 0;
    r.sweep_name = s.column_text(6);
    r.spec_hash = s.column_text(7);
    r.target_sweep = s.column_int(8);
    r.state.attempts = s.column_int(9);
    r.state.last_seen = s.column_text(10);
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<TargetRun> find_target(const Db& db, const ShardRun& r) {
  Statement s = r.in_sweep
                    ? db.prepare(
                          "SELECT id, status, attempts, coalesce(finished_at, heartbeat_at, '') "
                          "FROM main.runs WHERE sweep_id = ?1 AND config_hash = ?2")
                    : db.prepare(
                          "SELECT id, status, attempts, coalesce(finished_at, heartbeat_at, '') "
                          "FROM main.runs "
                          "WHERE sweep_id IS NULL AND config_hash = ?2 AND started_at IS ?3");
  if (r.in_sweep) s.bind_int(1, r.target_sweep);
  s.bind_text(2, r.config_hash);
  if (!r.in_sweep) s.bind_text_or_null(3, r.started_at);
  if (!s.step()) return std::nullopt;
  return TargetRun{s.column_int(0), RunState{s.column_text(1), s.column_int(2), s.column_text(3)}};
}

// Same rows (as multisets up to duplicates: equal counts and no row on either side missing from
// the other) in every child table.
bool same_results(const Db& db, int64_t target_id, int64_t shard_id) {
  for (const char* table : kChildTables) {
    const std::string cols = child_columns(table);
    const std::string mine = "SELECT " + cols + " FROM main." + table + " WHERE run_id = ?1";
    const std::string theirs = "SELECT " + cols + " FROM shard." + table + " WHERE run_id = ?2";
    Statement s = db.prepare("SELECT (SELECT count(*) FROM main." + std::string(table) +
                             " WHERE run_id = ?1) = "
                             "(SELECT count(*) FROM shard." +
                             table +
                             " WHERE run_id = ?2) "
                             "AND NOT EXISTS (" +
                             mine + " EXCEPT " + theirs +
                             ") "
                             "AND NOT EXISTS (" +
                             theirs + " EXCEPT " + mine + ")");
    s.bind_int(1, target_id).bind_int(2, shard_id);
    if (!s.step() || s.column_int(0) == 0) return false;
  }
  return true;
}

void copy_children(Db& db, int64_t target_id, int64_t shard_id) {
  for (const char* table : kChildTables) {
    const std::string cols = child_columns(table);
    Statement s = db.prepare("INSERT INTO main." + std::string(table) + " (run_id, " + cols +
                             ") SELECT ?1, " + cols + " FROM shard." + table +
                             " WHERE run_id = ?2 ORDER BY rowid");
    s.bind_int(1, target_id).bind_int(2, shard_id);
    s.run();
  }
}

void insert_run(Db& db, const ShardRun& r) {
  const std::string cols = detail::kRunDataColumns;
  Statement s = db.prepare("INSERT INTO main.runs (sweep_id, " + cols + ") SELECT ?1, " + cols +
                           " FROM shard.runs WHERE id = ?2");
  if (r.in_sweep)
    s.bind_int(1, r.target_sweep);
  else
    s.bind_null(1);
  s.bind_int(2, r.id);
  s.run();
  copy_children(db, db.last_insert_id(), r.id);
}

void replace_run(Db& db, int64_t target_id, const ShardRun& r) {
  const std::string cols = detail::kRunDataColumns;
  Statement s = db.prepare("UPDATE main.runs SET (" + cols + ") = (SELECT " + cols +
                           " FROM shard.runs WHERE id = ?2) WHERE id = ?1");
  s.bind_int(1, target_id).bind_int(2, r.id);
  s.run();
  for (const char* table : kChildTables) {
    Statement del = db.prepare("DELETE FROM main." + std::string(table) + " WHERE run_id = ?1");
    del.bind_int(1, target_id);
    del.run();
  }
  copy_children(db, target_id, r.id);
}

std::string describe(const ShardRun& r, const TargetRun& t, const std::string& why) {
  std::string who = r.in_sweep ? "sweep '" + r.sweep_name + "' (spec " + r.spec_hash + ") cell " +
                                     std::to_string(r.cell) + " config " + r.config_hash
                               : "single run config " + r.config_hash + " started " + r.started_at;
  return who + ": kept run " + std::to_string(t.id) + " (" + t.state.status + ", attempt " +
         std::to_string(t.state.attempts) + ") over shard run " + std::to_string(r.id) + " (" +
         r.state.status + ", attempt " + std::to_string(r.state.attempts) + "): " + why;
}

// Decides and applies what one shard run does to this database (see the header's table).
void merge_run(Db& db, const ShardRun& r, ResultStore::MergeReport& report) {
  const std::optional<TargetRun> t = find_target(db, r);
  if (!t) {
    insert_run(db, r);
    ++report.added;
    return;
  }
  const int order = compare(r.state, t->state);
  if (order > 0) {
    replace_run(db, t->id, r);
    ++report.replaced;
    return;
  }
  if (order < 0 || t->state.status == r.state.status && same_results(db, t->id, r.id) ||
      !terminal(r.state.status)) {
    ++report.skipped;  // ours is as far or further; the shard has nothing to add
    return;
  }
  ++report.conflicts;
  report.conflict_details.push_back(
      describe(r, *t, "different finished results of the same attempt"));
}

}  // namespace

ResultStore::MergeReport ResultStore::merge_from(const std::filesystem::path& shard) {
  prepare_shard(shard, path_);
  Db& db = impl_->db;
  MergeReport report;
  Attachment attached(db, shard);
  try {
    detail::write_transaction(db, [&] {
      copy_sweeps(db);
      for (const ShardRun& r : shard_runs(db)) merge_run(db, r, report);
    });
  } catch (const StoreError& e) {
    throw StoreError("merging " + shard.string() + " into " + path_.string() + ": " + e.what());
  }
  return report;
}

}  // namespace pgd::store
