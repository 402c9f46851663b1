#include "harness/store/result_store.h"

#include <algorithm>
#include <memory>
#include <system_error>

#ifdef __linux__
#include <sys/vfs.h>
#endif

#include "harness/store/result_store_impl.h"
#include "harness/store/schema.h"

namespace pgd::store {
namespace {

using detail::kNowSql;
using detail::Statement;

const char* const kRunRecordSelect =
    "SELECT id, sweep_id, cell, config_hash, config, status, error, seed, created_at, started_at, "
    "finished_at, heartbeat_at, owner, git_commit, git_dirty, host, cpu_model, gpu_name, "
    "torch_version, threads, patchgd_version, attempts FROM runs";

const std::vector<std::string> kFinalStatuses = {"done", "oom", "failed", "cancelled"};

// WAL needs shared memory between processes, which network file systems do not provide: SQLite
// may even "succeed" in setting WAL there and then corrupt the file. Refuse WAL on the usual ones.
std::string network_file_system(const std::filesystem::path& db_path) {
#ifdef __linux__
  std::filesystem::path dir = db_path.parent_path();
  if (dir.empty()) dir = ".";
  struct statfs fs {};
  if (statfs(dir.c_str(), &fs) != 0) return "";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x6969UL:
      return "NFS";
    case 0x517BUL:
      return "SMB";
    case 0xFF534D42UL:
      return "CIFS";
    case 0xFE534D42UL:
      return "SMB2";
    case 0x0BD00BD0UL:
      return "Lustre";
    case 0x47504653UL:
      return "GPFS";
    case 0x00C36400UL:
      return "CephFS";
    case 0x19830326UL:
      return "BeeGFS";
    case 0x5346414FUL:
      return "AFS";
    case 0x01021997UL:
      return "9P";
    default:
      return "";
  }
#else
  return "";
#endif
}

void create_parent_directories(const std::filesystem::path& path) {
  const auto parent = path.parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    throw StoreError("cannot create the folder of results database " + path.string() + ": " +
                     ec.message());
}

// WAL where it works; otherwise the rollback journal (DELETE), with a note saying why, so that
// the CLI can warn and the sweep still runs.
struct Journal {
  std::string mode, note;
};
Journal choose_journal(detail::Db& db, const std::filesystem::path& path) {
  const std::string advice =
      "; writers will wait on each other, and on a cluster each task should write its own "
      "shard to merge afterwards";
  const std::string network = network_file_system(path);
  Journal j;
  if (!network.empty()) {
    j.mode = db.scalar_text("PRAGMA journal_mode = DELETE");
    j.note = path.string() + " is on " + network +
             ", where WAL is unsafe: using journal_mode=" + j.mode + advice;
    return j;
  }
  try {
    j.mode = db.scalar_text("PRAGMA journal_mode = WAL");
  } catch (const StoreError& e) {
    j.mode = db.scalar_text("PRAGMA journal_mode = DELETE");
    j.note = "WAL failed on " + path.string() + " (" + e.what() +
             "): using journal_mode=" + j.mode + advice;
    return j;
  }
  if (j.mode != "wal" && j.mode != "memory")
    j.note = "WAL could not be set on " + path.string() + ": SQLite kept journal_mode=" + j.mode +
             advice;
  return j;
}

// Reads what kRunRecordSelect selects.
RunRecord read_run_record(const Statement& s) {
  RunRecord r;
  r.id = s.column_int(0);
  r.sweep_id = s.column_is_null(1) ? 0 : s.column_int(1);
  r.cell = s.column_int(2);
  r.config_hash = s.column_text(3);
  const std::string config = s.column_text(4);
  r.config = nlohmann::json::parse(config, nullptr, /*allow_exceptions=*/false);
  if (r.config.is_discarded())
    throw StoreError("run " + std::to_string(r.id) + " has a config that is not JSON: " + config);
  r.status = s.column_text(5);
  r.error = s.column_text(6);
  r.seed = s.column_int(7);
  r.created_at = s.column_text(8);
  r.started_at = s.column_text(9);
  r.finished_at = s.column_text(10);
  r.heartbeat_at = s.column_text(11);
  r.owner = s.column_text(12);
  r.provenance.git_commit = s.column_text(13);
  r.provenance.git_dirty = s.column_int(14) != 0;
  r.provenance.host = s.column_text(15);
  r.provenance.cpu_model = s.column_text(16);
  r.provenance.gpu_name = s.column_text(17);
  r.provenance.torch_version = s.column_text(18);
  r.provenance.threads = s.column_int(19);
  r.provenance.patchgd_version = s.column_text(20);
  r.attempts = s.column_int(21);
  return r;
}

// Binds owner + provenance to ?first .. ?first+8 in the order of the provenance columns.
void bind_owner_and_provenance(Statement& s, int first, const std::string& owner,
                               const Provenance& p) {
  s.bind_text_or_null(first, owner)
      .bind_text_or_null(first + 1, p.git_commit)
      .bind_int(first + 2, p.git_dirty ? 1 : 0)
      .bind_text_or_null(first + 3, p.host)
      .bind_text_or_null(first + 4, p.cpu_model)
      .bind_text_or_null(first + 5, p.gpu_name)
      .bind_text_or_null(first + 6, p.torch_version)
      .bind_int(first + 7, p.threads)
      .bind_text_or_null(first + 8, p.patchgd_version);
}

void require_run(const detail::Db& db, int64_t run_id) {
  Statement s = db.prepare("SELECT 1 FROM runs WHERE id = ?1");
  s.bind_int(1, run_id);
  if (!s.step())
    throw StoreError("run " + std::to_string(run_id) + " is not in results database " + db.path());
}

void require_sweep(const detail::Db& db, int64_t sweep_id) {
  Statement s = db.prepare("SELECT 1 FROM sweeps WHERE id = ?1");
  s.bind_int(1, sweep_id);
  if (!s.step())
    throw StoreError("sweep " + std::to_string(sweep_id) + " is not in results database " +
                     db.path());
}

// Every column name and every row of a statement, NULLs kept apart from empty text.
QueryResult read_all(Statement& s) {
  QueryResult result;
  for (int i = 0; i < s.column_count(); ++i) result.columns.push_back(s.column_name(i));
  while (s.step()) {
    std::vector<std::optional<std::string>> row;
    for (int i = 0; i < s.column_count(); ++i) row.push_back(s.column_optional_text(i));
    result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Opening

ResultStore::ResultStore(const std::filesystem::path& path) : impl_(nullptr), path_(path) {
  create_parent_directories(path);
  auto impl = std::make_unique<Impl>(path);
  detail::Db& db = impl->db;
  // Read before writing anything, so a foreign or newer file is rejected untouched.
  db.probe();
  const auto& list = detail::migrations();
  const int found = detail::read_user_version(db);
  if (found > detail::latest_version(list))
    throw StoreError("results database " + path.string() + " has schema version " +
                     std::to_string(found) + ", newer than this program's version " +
                     std::to_string(detail::latest_version(list)) +
                     "; use a newer patchgd to open it");
  detail::check_is_results_database(db, list);

  Journal journal = choose_journal(db, path);
  impl->journal_mode = std::move(journal.mode);
  impl->journal_note = std::move(journal.note);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA synchronous = NORMAL");
  impl_ = impl.release();
  try {
    migrate();
  } catch (...) {
    delete impl_;
    throw;
  }
}

ResultStore::~ResultStore() { delete impl_; }

void ResultStore::migrate() { detail::apply_migrations(impl_->db, detail::migrations()); }

int ResultStore::schema_version() { return detail::latest_version(detail::migrations()); }

int ResultStore::user_version() const { return detail::read_user_version(impl_->db); }

std::string ResultStore::journal_mode() const { return impl_->journal_mode; }

const std::string& ResultStore::journal_note() const { return impl_->journal_note; }

// ---------------------------------------------------------------------------------------------
// Sweeps and runs

int64_t ResultStore::ensure_sweep(const std::string& name, const std::string& file,
                                  const nlohmann::json& spec, const std::string& spec_hash) {
  auto& db = impl_->db;
  return detail::write_transaction(db, [&] {
    Statement ins = db.prepare(
        "INSERT INTO sweeps (name, file, spec, spec_hash) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (name, spec_hash) DO NOTHING");
    ins.bind_text(1, name).bind_text(2, file).bind_text(3, spec.dump()).bind_text(4, spec_hash);
    ins.run();
    Statement sel = db.prepare("SELECT id FROM sweeps WHERE name = ?1 AND spec_hash = ?2");
    sel.bind_text(1, name).bind_text(2, spec_hash);
    if (!sel.step()) throw StoreError("sweep '" + name + "' vanished from " + db.path());
    return sel.column_int(0);
  });
}

int64_t ResultStore::ensure_run(int64_t sweep_id, int64_t cell, const nlohmann::json& config,
                                const std::string& config_hash, int64_t seed) {
  auto& db = impl_->db;
  return detail::write_transaction(db, [&] {
    require_sweep(db, sweep_id);
    Statement ins = db.prepare(
        "INSERT INTO runs (sweep_id, cell, config, config_hash, seed) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (sweep_id, config_hash) DO NOTHING");
    ins.bind_int(1, sweep_id).bind_int(2, cell).bind_text(3, config.dump());
    ins.bind_text(4, config_hash).bind_int(5, seed);
    ins.run();
    Statement sel = db.prepare("SELECT id FROM runs WHERE sweep_id = ?1 AND config_hash = ?2");
    sel.bind_int(1, sweep_id).bind_text(2, config_hash);
    if (!sel.step()) throw StoreError("run " + config_hash + " vanished from " + db.path());
    return sel.column_int(0);
  });
}

std::optional<RunRecord> ResultStore::claim_next(int64_t sweep_id, const std::string& owner,
                                                 const Provenance& prov, bool retry_unfinished,
                                                 int64_t stale_after_s) {
  ClaimRules rules;
  rules.retry_unfinished = retry_unfinished;
  rules.stale_after_s = stale_after_s;
  return claim_next(sweep_id, owner, prov, rules);
}

std::optional<RunRecord> ResultStore::claim_next(int64_t sweep_id, const std::string& owner,
                                                 const Provenance& prov, const ClaimRules& rules) {
  auto& db = impl_->db;
  const int64_t id = detail::write_transaction(db, [&]() -> int64_t {
    require_sweep(db, sweep_id);
    Statement pick = db.prepare(
        "SELECT id FROM runs WHERE sweep_id = ?1 AND (?4 < 0 OR cell = ?4) AND ("
        " status = 'pending'"
        " OR (?2 AND status IN ('failed', 'cancelled')"
        "     AND (?5 = '' OR started_at IS NULL OR started_at < ?5)"
        "     AND (?6 <= 0 OR attempts < ?6))"
        " OR (status = 'running' AND (heartbeat_at IS NULL"
        "     OR heartbeat_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3))))"
        " ORDER BY cell, id LIMIT 1");
    pick.bind_int(1, sweep_id).bind_int(2, rules.retry_unfinished ? 1 : 0);
    pick.bind_text(3, "-" + std::to_string(std::max<int64_t>(rules.stale_after_s, 0)) + " seconds");
    pick.bind_int(4, rules.only_cell).bind_text(5, rules.retry_started_before);
    pick.bind_int(6, rules.max_attempts);
    if (!pick.step()) return 0;
    const int64_t run_id = pick.column_int(0);

    Statement claim = db.prepare(
        std::string("UPDATE runs SET status = 'running', error = NULL, finished_at = NULL, "
                    "attempts = attempts + 1, started_at = ") +
        kNowSql + ", heartbeat_at = " + kNowSql +
        ", owner = ?2, git_commit = ?3, git_dirty = ?4, host = ?5, cpu_model = ?6, gpu_name = ?7,"
        " torch_version = ?8, threads = ?9, patchgd_version = ?10 WHERE id = ?1");
    claim.bind_int(1, run_id);
    bind_owner_and_provenance(claim, 2, owner, prov);
    claim.run();
    // Results of an earlier, unfinished attempt would mix with this one's.
    for (const char* table : {"metrics", "predictions", "measurements"}) {
      Statement del = db.prepare(std::string("DELETE FROM ") + table + " WHERE run_id = ?1");
      del.bind_int(1, run_id);
      del.run();
    }
    return run_id;
  });
  if (id == 0) return std::nullopt;
  return run(id);
}

std::string ResultStore::now() const {
  return impl_->db.scalar_text(std::string("SELECT ") + kNowSql);
}

int64_t ResultStore::start_single_run(const nlohmann::json& config, const std::string& config_hash,
                                      int64_t seed, const std::string& owner,
                                      const Provenance& prov) {
  auto& db = impl_->db;
  return detail::write_transaction(db, [&] {
    Statement ins = db.prepare(
        std::string("INSERT INTO runs (sweep_id, cell, config, config_hash, seed, status, "
                    "started_at, heartbeat_at, owner, git_commit, git_dirty, host, cpu_model, "
                    "gpu_name, torch_version, threads, patchgd_version, attempts) "
                    "VALUES (NULL, 0, ?12, ?13, ?14, 'running', ") +
        kNowSql + ", " + kNowSql + ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)");
    bind_owner_and_provenance(ins, 1, owner, prov);
    ins.bind_text(12, config.dump()).bind_text(13, config_hash).bind_int(14, seed);
    ins.run();
    return db.last_insert_id();
  });
}

void ResultStore::heartbeat(int64_t run_id) {
  auto& db = impl_->db;
  detail::write_transaction(db, [&] {
    require_run(db, run_id);
    Statement s = db.prepare(std::string("UPDATE runs SET heartbeat_at = ") + kNowSql +
                             " WHERE id = ?1 AND status = 'running'");
    s.bind_int(1, run_id);
    s.run();
  });
}

void ResultStore::finish_run(int64_t run_id, const std::string& status, const std::string& error) {
  if (std::find(kFinalStatuses.begin(), kFinalStatuses.end(), status) == kFinalStatuses.end())
    throw StoreError("finish_run(" + std::to_string(run_id) + ") in " + path_.string() +
                     ": status '" + status + "' is not one of done, oom, failed, cancelled");
  auto& db = impl_->db;
  detail::write_transaction(db, [&] {
    require_run(db, run_id);
    Statement s =
        db.prepare(std::string("UPDATE runs SET status = ?2, error = ?3, finished_at = ") +
                   kNowSql + ", heartbeat_at = " + kNowSql + " WHERE id = ?1");
    s.bind_int(1, run_id).bind_text(2, status).bind_text_or_null(3, error);
    s.run();
  });
}

// ---------------------------------------------------------------------------------------------
// Results of a run

void ResultStore::add_metric(int64_t run_id, int64_t epoch, const std::string& split,
                             const std::string& name, double value) {
  auto& db = impl_->db;
  detail::write_transaction(db, [&] {
    Statement s = db.prepare(
        "INSERT INTO metrics (run_id, epoch, split, name, value) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind_int(1, run_id).bind_int(2, epoch).bind_text(3, split).bind_text(4, name);
    s.bind_double(5, value);
    s.run();
  });
}

namespace {

// Inside the caller's transaction.
void insert_predictions(detail::Db& db, int64_t run_id, const std::string& split,
                        const std::vector<ResultStore::Prediction>& p) {
  Statement s = db.prepare(
      "INSERT INTO predictions (run_id, split, sample_id, label, predicted) VALUES (?1, ?2, ?3, "
      "?4, ?5)");
  for (const ResultStore::Prediction& one : p) {
    s.reset();
    s.bind_int(1, run_id).bind_text(2, split).bind_text(3, one.sample_id);
    s.bind_int(4, one.label).bind_int(5, one.predicted);
    s.run();
  }
}

}  // namespace

void ResultStore::replace_predictions(int64_t run_id, const std::string& split,
                                      const std::vector<Prediction>& p) {
  auto& db = impl_->db;
  detail::write_transaction(db, [&] {
    Statement del = db.prepare("DELETE FROM predictions WHERE run_id = ?1 AND split = ?2");
    del.bind_int(1, run_id).bind_text(2, split);
    del.run();
    insert_predictions(db, run_id, split, p);
  });
}

void ResultStore::add_predictions(int64_t run_id, const std::string& split,
                                  const std::vector<Prediction>& p) {
  if (p.empty()) return;
  auto& db = impl_->db;
  detail::write_transaction(db, [&] { insert_predictions(db, run_id, split, p); });
}

void ResultStore::add_measurement(int64_t run_id, const std::string& name, double value,
                                  const std::string& unit) {
  auto& db = impl_->db;
  detail::write_transaction(db, [&] {
    Statement s =
        db.prepare("INSERT INTO measurements (run_id, name, value, unit) VALUES (?1, ?2, ?3, ?4)");
    s.bind_int(1, run_id).bind_text(2, name).bind_double(3, value).bind_text(4, unit);
    s.run();
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

std::optional<RunRecord> ResultStore::run(int64_t run_id) const {
  Statement s = impl_->db.prepare(std::string(kRunRecordSelect) + " WHERE id = ?1");
  s.bind_int(1, run_id);
  if (!s.step()) return std::nullopt;
  return read_run_record(s);
}

std::vector<RunRecord> ResultStore::runs(std::optional<int64_t> sweep_id) const {
  std::string sql = kRunRecordSelect;
  sql += sweep_id ? " WHERE sweep_id = ?1 ORDER BY cell, id" : " ORDER BY sweep_id, cell, id";
  Statement s = impl_->db.prepare(sql);
  if (sweep_id) s.bind_int(1, *sweep_id);
  std::vector<RunRecord> out;
  while (s.step()) out.push_back(read_run_record(s));
  return out;
}

std::vector<std::pair<std::string, int64_t>> ResultStore::status_counts(int64_t sweep_id) const {
  Statement s = impl_->db.prepare(
      "SELECT status, count(*) FROM runs WHERE sweep_id = ?1 GROUP BY status ORDER BY status");
  s.bind_int(1, sweep_id);
  std::vector<std::pair<std::string, int64_t>> out;
  while (s.step()) out.emplace_back(s.column_text(0), s.column_int(1));
  return out;
}

namespace {

// Statement by statement, each compiled after the previous ran (it may create a table); the
// result is the last one with columns. `reads_only`: refuse a writing statement before it runs.
QueryResult run_script(const detail::Db& db, const std::string& sql, bool reads_only) {
  QueryResult result;
  std::string rest = sql;
  for (;;) {
    Statement s = db.prepare(rest);
    const size_t used = s.consumed();
    if (reads_only && !s.read_only()) {
      const std::string text = rest.substr(0, used);
      const size_t start = text.find_first_not_of(" \t\n;");
      throw WriteRefused(
          "refused a statement that would write (queries are read-only; the database is "
          "unchanged): " +
          text.substr(start == std::string::npos ? 0 : start));
    }
    QueryResult current = read_all(s);
    if (!current.columns.empty()) result = std::move(current);
    if (used == 0 || used >= rest.size()) break;
    rest.erase(0, used);
  }
  return result;
}

}  // namespace

QueryResult ResultStore::query(const std::string& sql) const {
  return run_script(impl_->db, sql, false);
}

QueryResult ResultStore::read_query(const std::string& sql) const {
  return run_script(impl_->db, sql, true);
}

QueryResult ResultStore::run_listing(const std::string& sweep_name,
                                     const std::string& status) const {
  Statement s = impl_->db.prepare(
      "SELECT r.id, COALESCE(w.name, '-') AS sweep, r.cell, r.status, "
      "json_extract(r.config, '$.method.name') AS method, json_extract(r.config, "
      "'$.backbone.name') AS backbone, "
      "json_extract(r.config, '$.dataset.name') AS dataset, json_extract(r.config, "
      "'$.dataset.image_size') AS size, "
      "json_extract(r.config, '$.memory.cap') AS cap, "
      "(SELECT printf('%.4f', value) FROM metrics m WHERE m.run_id = r.id AND m.epoch = -1 "
      " AND m.name = 'best_accuracy') AS best_acc, "
      "substr(r.config_hash, 1, 12) AS hash, COALESCE(r.error, '') AS error "
      "FROM runs r LEFT JOIN sweeps w ON w.id = r.sweep_id "
      "WHERE (?1 = '' OR w.name = ?1) AND (?2 = '' OR r.status = ?2) ORDER BY r.id");
  s.bind_text(1, sweep_name);
  s.bind_text(2, status);
  return read_all(s);
}

}  // namespace pgd::store
