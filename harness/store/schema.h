#pragma once
// The results schema as an ordered list of migrations, versioned by PRAGMA user_version.
// To change the schema, append a migration (never edit a released one) and document it in
// results/README.md; ResultStore::schema_version() follows the last entry.
#include <string>
#include <vector>

#include "harness/store/sqlite_db.h"

namespace pgd::store::detail {

struct Migration {
  int version;          // the user_version after this step: 1, 2, 3, ... in order
  const char* summary;  // one line, for error messages and the README
  const char* sql;      // DDL/DML run inside the migration transaction
};

// The migrations this program knows, oldest first.
const std::vector<Migration>& migrations();
int latest_version(const std::vector<Migration>& list);

// PRAGMA user_version of the main database of `db`.
int read_user_version(const Db& db);

// Brings `db` to the last version of `list` in one BEGIN IMMEDIATE transaction (so two
// processes opening a fresh file at once migrate it once). Throws StoreError naming the path
// and both versions when the database is newer than `list`, and when `list` is not 1, 2, ...
void apply_migrations(Db& db, const std::vector<Migration>& list);

// Throws StoreError naming the path when a database without our version stamp already holds
// tables (somebody else's SQLite file): migrating would litter it with ours.
void check_is_results_database(const Db& db, const std::vector<Migration>& list);

// The columns of `runs` besides id and sweep_id, in one order for SELECT, INSERT and merge.
extern const char* const kRunDataColumns;

}  // namespace pgd::store::detail
