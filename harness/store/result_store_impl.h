#pragma once
// ResultStore's private state, shared by the translation units of harness/store
// (result_store.cpp: open, runs and metrics; merge.cpp: merge_from).
#include <string>

#include "harness/store/result_store.h"
#include "harness/store/sqlite_db.h"

namespace pgd::store {

struct ResultStore::Impl {
  explicit Impl(const std::filesystem::path& path) : db(path, /*create=*/true) {}
  detail::Db db;
  std::string journal_mode;  // as SQLite reports it: "wal", "delete", "memory"
  std::string journal_note;  // why it is not WAL; empty under WAL
};

}  // namespace pgd::store
