// Every ```sql block of results/README.md runs against a small but realistic database and
// returns the rows a reader would expect, so the documented recipes cannot rot.
#include <gtest/gtest.h>

#include <map>

#include "harness/store/result_store.h"
#include "tests/store/store_test_util.h"

namespace pgd::store {
namespace {

std::vector<std::string> sql_blocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  const std::string open = "```sql\n", close = "```";
  for (size_t at = markdown.find(open); at != std::string::npos; at = markdown.find(open, at)) {
    const size_t body = at + open.size();
    const size_t end = markdown.find(close, body);
    if (end == std::string::npos) break;
    blocks.push_back(markdown.substr(body, end - body));
    at = end + close.size();
  }
  return blocks;
}

class ReadmeRecipesTest : public testing::TempDirTest {
 protected:
  // GD and PatchGD at 4GB and 16GB; GD at 4GB ran out of memory.
  void SetUp() override {
    TempDirTest::SetUp();
    store_ = std::make_unique<ResultStore>(path("recipes.db"));
    const int64_t sweep = store_->ensure_sweep("memory-scaling", "m.yaml", {{"x", 1}}, "s");
    int cell = 0;
    for (const char* cap : {"16GB", "4GB"})  // run 1 (gd, 16GB) has a curve
      for (const char* method : {"gd", "patchgd"}) {
        const nlohmann::json config = {{"dataset", {{"name", "ultramnist10"}}},
                                       {"backbone", {{"name", "resnet50"}}},
                                       {"method", {{"name", method}}},
                                       {"memory", {{"cap", cap}}}};
        store_->ensure_run(sweep, cell, config, "h" + std::to_string(cell), 0);
        ++cell;
      }
    Provenance prov = testing::test_provenance();
    while (const auto r = store_->claim_next(sweep, "t:1", prov, false)) {
      const std::string method = r->config["method"]["name"];
      const std::string cap = r->config["memory"]["cap"];
      const double cap_bytes = cap == "4GB" ? 4.0 * (1 << 30) : 16.0 * (1 << 30);
      store_->add_measurement(r->id, "memory_cap", cap_bytes, "bytes");
      if (method == "gd" && cap == "4GB") {
        store_->add_measurement(r->id, "peak_memory", 4.2 * (1 << 30), "bytes");
        store_->finish_run(r->id, "oom", "allocation of 512 MiB exceeds the 4 GiB cap");
        continue;
      }
      const double base = method == "patchgd" ? 0.8 : 0.6;
      for (int epoch = 0; epoch < 3; ++epoch) {
        store_->add_metric(r->id, epoch, "train", "loss", 2.0 - epoch * 0.5);
        store_->add_metric(r->id, epoch, "train", "accuracy", base + epoch * 0.02);
        store_->add_metric(r->id, epoch, "val", "loss", 2.1 - epoch * 0.5);
        store_->add_metric(r->id, epoch, "val", "accuracy", base + epoch * 0.03);
        store_->add_metric(r->id, epoch, "val", "qwk", base + epoch * 0.01);
      }
      for (const char* name : {"best_accuracy", "best_qwk", "last_accuracy", "last_qwk"})
        store_->add_metric(r->id, -1, "val", name, base + 0.06);
      store_->add_metric(r->id, -1, "val", "best_epoch", 2);
      store_->add_measurement(r->id, "peak_memory", 3.0 * (1 << 30), "bytes");
      store_->add_measurement(r->id, "train_latency_ms", 12.5, "ms");
      store_->add_measurement(r->id, "infer_latency_ms", 4.5, "ms");
      store_->add_measurement(r->id, "train_throughput", 80, "images/s");
      store_->add_measurement(r->id, "parameters", 23.5e6, "count");
      store_->finish_run(r->id, "done");
    }
    blocks_ = sql_blocks(
        testing::read_file(std::filesystem::path(PATCHGD_SOURCE_DIR) / "results" / "README.md"));
  }
  void TearDown() override {
    store_.reset();
    TempDirTest::TearDown();
  }
  // The block whose text contains `marker` (each recipe has a distinctive phrase).
  QueryResult run_block(const std::string& marker) {
    for (const auto& b : blocks_)
      if (b.find(marker) != std::string::npos) return store_->query(b);
    throw std::runtime_error("no ```sql block in results/README.md contains: " + marker);
  }
  std::map<std::string, std::optional<std::string>> row_as_map(const QueryResult& r, size_t i) {
    std::map<std::string, std::optional<std::string>> out;
    for (size_t c = 0; c < r.columns.size(); ++c) out[r.columns[c]] = r.rows.at(i).at(c);
    return out;
  }
  std::unique_ptr<ResultStore> store_;
  std::vector<std::string> blocks_;
};

TEST_F(ReadmeRecipesTest, EveryBlockRunsAndReturnsRows) {
  ASSERT_GE(blocks_.size(), 8u);
  for (const auto& b : blocks_) {
    if (b.find("'-300 seconds'") != std::string::npos) continue;  // nothing is stale here
    QueryResult r;
    ASSERT_NO_THROW(r = store_->query(b)) << b;
    EXPECT_FALSE(r.columns.empty()) << b;
    EXPECT_FALSE(r.rows.empty()) << b;
  }
}

TEST_F(ReadmeRecipesTest, BestPatchgdPerCap) {
  const QueryResult r = run_block("PARTITION BY");
  ASSERT_EQ(r.rows.size(), 2u);  // 16GB, 4GB
  for (size_t i = 0; i < 2; ++i) {
    auto row = row_as_map(r, i);
    EXPECT_EQ(row["epoch"], "2");
    EXPECT_DOUBLE_EQ(std::stod(*row["val_accuracy"]), 0.86);
  }
}

TEST_F(ReadmeRecipesTest, GdVersusPatchgdShowsTheOom) {
  const QueryResult r = run_block("gd_oom_runs");
  ASSERT_EQ(r.rows.size(), 2u);
  auto four = row_as_map(r, 1);  // text order: 16GB, 4GB
  EXPECT_EQ(four["memory_cap"], "4GB");
  EXPECT_EQ(four["gd_accuracy"], std::nullopt);
  EXPECT_EQ(four["gd_oom_runs"], "1");
  EXPECT_DOUBLE_EQ(std::stod(*four["patchgd_accuracy"]), 0.86);
}

TEST_F(ReadmeRecipesTest, OomRunsWithPeak) {
  const QueryResult r = run_block("status = 'oom'\nORDER BY");
  ASSERT_EQ(r.rows.size(), 1u);
  auto row = row_as_map(r, 0);
  EXPECT_EQ(row["method"], "gd");
  EXPECT_DOUBLE_EQ(std::stod(*row["peak_gib"]), 4.2);
  EXPECT_DOUBLE_EQ(std::stod(*row["cap_gib"]), 4.0);
}

TEST_F(ReadmeRecipesTest, LearningCurveHasOneRowPerEpoch) {
  const QueryResult r = run_block("train_loss");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.columns.size(), 6u);
  for (const auto& row : r.rows)
    for (const auto& cell : row) EXPECT_TRUE(cell.has_value());
}

}  // namespace
}  // namespace pgd::store
