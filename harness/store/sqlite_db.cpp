#include "harness/store/sqlite_db.h"

#include <sqlite3.h>

#include <random>
#include <thread>
#include <utility>

namespace pgd::store::detail {
namespace {

// Worth waiting for: another connection holds a lock. Not SQLITE_LOCKED (a conflict inside this
// connection, which waiting cannot resolve) nor SQLITE_BUSY_SNAPSHOT (a stale read transaction
// that only a restart resolves; BEGIN IMMEDIATE keeps us from ever meeting it).
bool is_busy(int rc) { return (rc & 0xff) == SQLITE_BUSY && rc != SQLITE_BUSY_SNAPSHOT; }

// A short random pause, so that retrying processes do not wake in lockstep.
void backoff() {
  thread_local std::minstd_rand rng(std::random_device{}());
  std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 45));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Statement

Statement::Statement(sqlite3* db, const std::string& sql, const std::string& db_path)
    : db_(db), stmt_(nullptr), sql_(sql), db_path_(db_path) {
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt_, &tail);
  if (rc != SQLITE_OK) fail(rc);
  consumed_ = tail ? static_cast<size_t>(tail - sql.c_str()) : sql.size();
  sql_.resize(consumed_);  // errors name this statement, not the whole script
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      sql_(std::move(other.sql_)),
      db_path_(std::move(other.db_path_)),
      consumed_(other.consumed_),
      has_row_(other.has_row_) {}

void Statement::fail(int rc) const {
  throw StoreError("SQLite error on " + db_path_ + ": " + sqlite3_errmsg(db_) + " (code " +
                   std::to_string(rc) + ") in statement: " + sql_);
}

Statement& Statement::bind_int(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind_double(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind_text(int index, const std::string& value) {
  const int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(rc);
  return *this;
}

Statement& Statement::bind_text_or_null(int index, const std::string& value) {
  return value.empty() ? bind_null(index) : bind_text(index, value);
}

bool Statement::step() {
  if (!stmt_) return false;
  // The busy handler covers waiting for locks; a BUSY that still escapes is retried here too.
  const auto deadline = std::chrono::steady_clock::now() + kBusyRetryWindow;
  for (;;) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return has_row_ = true;
    if (rc == SQLITE_DONE) return false;
    if (is_busy(rc) && !has_row_ && std::chrono::steady_clock::now() < deadline) {
      sqlite3_reset(stmt_);
      backoff();
      continue;
    }
    fail(rc);
  }
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  has_row_ = false;
}

bool Statement::read_only() const { return sqlite3_stmt_readonly(stmt_) != 0; }

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

std::string Statement::column_name(int index) const {
  const char* name = sqlite3_column_name(stmt_, index);
  return name ? name : "";
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (!text) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::optional<std::string> Statement::column_optional_text(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_text(index);
}

// ---------------------------------------------------------------------------------------------
// Db

Db::Db(const std::filesystem::path& path, bool create) : path_(path.string()) {
  int flags = SQLITE_OPEN_READWRITE;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError("cannot open results database " + path_ + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

Db::~Db() { sqlite3_close_v2(db_); }

std::string Db::describe(int rc, const std::string& what) const {
  return "SQLite error on " + path_ + ": " + sqlite3_errmsg(db_) + " (code " + std::to_string(rc) +
         ") in: " + what;
}

void Db::probe() {
  sqlite3_stmt* stmt = nullptr;
  const char* sql = "SELECT count(*) FROM sqlite_master";
  int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) rc = SQLITE_OK;
  }
  const std::string msg = sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
  if ((rc & 0xff) == SQLITE_NOTADB)
    throw StoreError("results database " + path_ + " is not a SQLite database (" + msg + ")");
  if (rc != SQLITE_OK) throw StoreError("cannot read results database " + path_ + ": " + msg);
  // SQLite silently opens a write-protected file read-only; every later write would fail with
  // a less helpful message, so say it now.
  if (sqlite3_db_readonly(db_, "main") == 1)
    throw StoreError("results database " + path_ + " is read-only (check its permissions)");
}

void Db::exec(const std::string& sql) {
  // Statement by statement rather than sqlite3_exec: a statement that met SQLITE_BUSY did not
  // run and may be retried (Statement::step does), whereas retrying a whole script would repeat
  // the statements before it.
  std::string rest = sql;
  for (;;) {
    Statement s = prepare(rest);
    const size_t used = s.consumed();
    s.run();
    if (used == 0 || used >= rest.size()) break;
    rest.erase(0, used);
  }
}

Statement Db::prepare(const std::string& sql) const { return Statement(db_, sql, path_); }

int64_t Db::scalar_int(const std::string& sql) const {
  Statement stmt = prepare(sql);
  if (!stmt.step()) throw StoreError("no row from " + path_ + " for: " + sql);
  return stmt.column_int(0);
}

std::string Db::scalar_text(const std::string& sql) const {
  Statement stmt = prepare(sql);
  if (!stmt.step()) throw StoreError("no row from " + path_ + " for: " + sql);
  return stmt.column_text(0);
}

int64_t Db::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int64_t Db::changes() const { return sqlite3_changes(db_); }

bool Db::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---------------------------------------------------------------------------------------------
// WriteTransaction

WriteTransaction::WriteTransaction(Db& db) : db_(db) {
  try {
    db_.exec("BEGIN IMMEDIATE");  // Statement::step retries SQLITE_BUSY for kBusyRetryWindow
  } catch (const StoreError& e) {
    open_ = false;
    throw StoreError(std::string(e.what()) +
                     " (another process held the write lock of this database too long)");
  }
}

WriteTransaction::~WriteTransaction() {
  // Some errors (SQLITE_FULL, I/O) roll back by themselves; ROLLBACK then has nothing to do.
  if (open_ && db_.in_transaction())
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTransaction::commit() {
  // In rollback-journal mode COMMIT may be BUSY while readers hold shared locks; the transaction
  // stays open then, so the retry in Statement::step is safe.
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace pgd::store::detail
