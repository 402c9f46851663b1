#pragma once
// Shared helpers of the store tests: a fresh temporary folder per test, and small readers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "harness/store/result_store.h"

namespace pgd::store::testing {

// A folder under the system temp dir, removed (with everything in it) when the test ends.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("pgd_store_test_" + std::to_string(getpid()) + "_" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }
  std::filesystem::path dir_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// The single value of a one-row, one-column query, as text ("" for NULL).
inline std::string scalar(const ResultStore& store, const std::string& sql) {
  const QueryResult r = store.query(sql);
  if (r.rows.size() != 1 || r.rows[0].size() != 1)
    throw std::runtime_error("expected one value from: " + sql);
  return r.rows[0][0].value_or("");
}

inline int64_t count(const ResultStore& store, const std::string& sql) {
  return std::stoll(scalar(store, sql));
}

inline Provenance test_provenance(const std::string& host = "testhost") {
  Provenance p;
  p.git_commit = "0123456789abcdef0123456789abcdef01234567";
  p.git_dirty = true;
  p.host = host;
  p.cpu_model = "Test CPU @ 1GHz";
  p.gpu_name = "";
  p.torch_version = "2.3.0";
  p.threads = 4;
  p.patchgd_version = "0.1.0";
  return p;
}

// A sweep of `n` pending runs with cells 0..n-1 and hashes "h<cell>".
inline int64_t make_sweep(ResultStore& store, int n, const std::string& name = "sweep",
                          const std::string& spec_hash = "spec1") {
  const int64_t sweep = store.ensure_sweep(name, "experiments/sweeps/" + name + ".yaml",
                                           {{"name", name}, {"cells", n}}, spec_hash);
  for (int cell = 0; cell < n; ++cell)
    store.ensure_run(sweep, cell, {{"cell", cell}, {"memory", {{"cap", "4GB"}}}},
                     "h" + std::to_string(cell), 42 + cell);
  return sweep;
}

}  // namespace pgd::store::testing
