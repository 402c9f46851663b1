#pragma once
// A thin RAII layer over the sqlite3 C API, private to harness/store: one connection (`Db`),
// prepared statements (`Statement`) and write transactions (`WriteTransaction`). Every error
// becomes a StoreError naming the database path and, where there is one, the statement.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "harness/store/result_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pgd::store::detail {

// ISO-8601 UTC with milliseconds ("2024-05-01T12:34:56.789Z"), computed by SQLite so that every
// timestamp in the database comes from one clock and compares correctly as text.
inline constexpr const char* kNowSql = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

// How long a connection waits for another writer inside SQLite (busy handler) ...
inline constexpr int kBusyTimeoutMs = 30000;
// ... and how long we keep retrying SQLITE_BUSY on top of that, for the cases where SQLite
// returns BUSY without calling the handler (WAL recovery, a lock upgrade in a deadlock).
inline constexpr std::chrono::seconds kBusyRetryWindow{120};

class Statement {
 public:
  // Compiles the first statement of `sql`; consumed() tells where it ended, so a caller can walk
  // a script statement by statement (each compiled only after the previous one ran).
  Statement(sqlite3* db, const std::string& sql, const std::string& db_path);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;

  // Parameters are 1-based, as in SQL (?1, ?2, ...).
  Statement& bind_int(int index, int64_t value);
  Statement& bind_double(int index, double value);  // NaN is stored as NULL by SQLite
  Statement& bind_text(int index, const std::string& value);
  Statement& bind_null(int index);
  // NULL when empty: optional text columns (error, started_at, ...) hold NULL rather than ''.
  Statement& bind_text_or_null(int index, const std::string& value);

  // Advances one row; true while there is a row to read. Throws StoreError on failure.
  bool step();
  // Steps to completion, discarding rows (INSERT/UPDATE/DDL).
  void run();
  // Resets for another execution with new bindings (bindings are cleared).
  void reset();

  // True when running it cannot change the database files (sqlite3_stmt_readonly).
  bool read_only() const;

  int column_count() const;
  std::string column_name(int index) const;
  bool column_is_null(int index) const;
  int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;  // '' for NULL
  std::optional<std::string> column_optional_text(int index) const;

  const std::string& sql() const { return sql_; }
  size_t consumed() const { return consumed_; }
  bool empty() const { return stmt_ == nullptr; }  // only whitespace or comments were given

 private:
  [[noreturn]] void fail(int rc) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  std::string db_path_;
  size_t consumed_ = 0;
  bool has_row_ = false;  // a row was returned since the last reset: a retry would repeat it
};

class Db {
 public:
  // Opens read-write (creating the file unless `create` is false). Does not read the file yet:
  // call `probe()` to learn whether it is a database at all.
  Db(const std::filesystem::path& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Reads the schema table, turning "file is not a database" and I/O errors into StoreErrors
  // that name the path. Nothing is written.
  void probe();
  // Runs one or more statements without results, retrying while the database is busy.
  void exec(const std::string& sql);
  Statement prepare(const std::string& sql) const;
  // A single-value query (PRAGMA user_version, SELECT count(*) ...).
  int64_t scalar_int(const std::string& sql) const;
  std::string scalar_text(const std::string& sql) const;
  int64_t last_insert_id() const;
  int64_t changes() const;
  bool in_transaction() const;

  // The message a failed call left on this connection, with the path and statement named.
  std::string describe(int rc, const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE ... COMMIT: takes the write lock at the start, so two writers never both read
// and then fail to upgrade (the classic SQLITE_BUSY deadlock of deferred transactions).
// Rolls back on destruction unless committed, so an exception leaves nothing half-written.
class WriteTransaction {
 public:
  explicit WriteTransaction(Db& db);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool open_ = true;
};

// Runs `body` inside a WriteTransaction and commits; returns what `body` returns.
template <class Body>
auto write_transaction(Db& db, Body&& body) -> decltype(body()) {
  WriteTransaction tx(db);
  if constexpr (std::is_void_v<decltype(body())>) {
    body();
    tx.commit();
  } else {
    auto result = body();
    tx.commit();
    return result;
  }
}

}  // namespace pgd::store::detail
