#pragma once
// A throw-away results database built through the store's public API, the way the runner fills
// one: sweeps with a spec naming their table and scale, runs claimed and finished, summary
// metrics and measurements.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/store/result_store.h"

namespace pgd::results::testing {

class ResultsDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("pgd_results_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<store::ResultStore>(dir_ / "results.db");
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  store::ResultStore& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }

  int64_t sweep(const std::string& name, const std::string& table, const std::string& scale) {
    const nlohmann::json spec = {{"name", name}, {"table", table}, {"scale", scale}};
    return db_->ensure_sweep(name, "experiments/sweeps/" + table + ".yaml", spec,
                             name + "/" + scale);
  }

  // A config with the keys the templates read; `extra` (dotted keys) overrides or adds.
  static nlohmann::json config(const std::string& method, const std::string& backbone,
                               const std::string& cap, int image_size,
                               const std::map<std::string, nlohmann::json>& extra = {}) {
    nlohmann::json c = {{"method",
                         {{"name", method},
                          {"patch_size", 32},
                          {"sampling_fraction", 0.125},
                          {"grad_accum_steps", 0}}},
                        {"backbone", {{"name", backbone}, {"width", 1.0}}},
                        {"dataset", {{"name", "ultramnist10"}, {"image_size", image_size}}},
                        {"memory", {{"cap", cap}}},
                        {"head", {{"layers", 4}, {"channels", 256}, {"latent_dim", 256}}},
                        {"train", {{"batch_size", 32}, {"epochs", 3}}},
                        {"seed", 42}};
    for (const auto& [dotted, value] : extra)
      c[nlohmann::json::json_pointer("/" + slashes(dotted))] = value;
    return c;
  }

  // Adds a run of `sweep_id` and takes it to `status` (pending stays unclaimed), with summary
  // metrics (epoch -1, split val) and measurements.
  int64_t run(int64_t sweep_id, nlohmann::json cfg, int64_t seed, const std::string& status,
              const std::map<std::string, double>& summary = {},
              const std::map<std::string, double>& measurements = {}) {
    cfg["seed"] = seed;
    const int64_t cell = next_cell_[sweep_id]++;
    const int64_t id = db_->ensure_run(
        sweep_id, cell, cfg, "hash-" + std::to_string(sweep_id) + "-" + std::to_string(cell), seed);
    if (status == "pending") return id;
    const auto claimed = db_->claim_next(sweep_id, "test:" + std::to_string(::getpid()), {}, false);
    EXPECT_TRUE(claimed.has_value());
    EXPECT_EQ(claimed->id, id) << "runs are claimed lowest cell first";
    for (const auto& [name, value] : summary) db_->add_metric(id, -1, "val", name, value);
    for (const auto& [name, value] : measurements) db_->add_measurement(id, name, value, "");
    if (status != "running") db_->finish_run(id, status, status == "failed" ? "boom" : "");
    return id;
  }

  std::filesystem::path write_file(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  static std::string slashes(std::string dotted) {
    for (char& c : dotted)
      if (c == '.') c = '/';
    return dotted;
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::ResultStore> db_;
  std::map<int64_t, int64_t> next_cell_;
};

// The line of `text` that starts with `prefix` ("" when none), for exact row assertions.
inline std::string line_starting(const std::string& text, const std::string& prefix) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.compare(start, prefix.size(), prefix) == 0) return text.substr(start, end - start);
    start = end + 1;
  }
  return "";
}

}  // namespace pgd::results::testing
