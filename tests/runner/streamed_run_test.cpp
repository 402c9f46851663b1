// Runs on PANDA-shaped synthetic slides with dataset.stream (issue 16): PatchGD reads every patch
// from the slide through the runner, gives the same results as the same slides held in memory,
// and a bad slide fails the run naming the file.
#include "harness/runner/run_executor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "datasets/synthetic_slides.h"
#include "harness/config/compose.h"
#include "harness/config/config_hash.h"
#include "harness/runner/provenance.h"
#include "harness/store/result_store.h"

namespace pgd::runner {
namespace {
namespace fs = std::filesystem;

// Which slides a run reads and how it cuts them. The default: SetUp's slides at 256² (level 0
// is 256 wide, so the in-memory path resizes nothing and pads the bottom white, as the stream
// does), patches of 64, two batches.
struct RunShape {
  fs::path slides;  // empty: SetUp's
  int64_t side = 256;
  int64_t patch = 64;
  int64_t batches = 2;
};

class StreamedRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgd_streamed_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<store::ResultStore>(dir_ / "r.db");
    data::SyntheticSlidesOptions o;
    o.slides_per_grade = 1;  // 6 slides, 256 px wide, 154-256 px high
    o.side = 256;
    o.levels = 2;
    data::write_synthetic_slides(dir_ / "slides", o);
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  // PANDA at shape.side, a narrow PatchGD, one epoch of shape.batches batches of 2.
  std::vector<std::string> overrides(bool stream, std::vector<std::string> extra = {},
                                     RunShape shape = {}) const {
    const fs::path slides = shape.slides.empty() ? dir_ / "slides" : shape.slides;
    std::vector<std::string> o = {"dataset=panda",
                                  "dataset.csv=" + (slides / "train.csv").string(),
                                  "dataset.slides_dir=" + (slides / "train_images").string(),
                                  "dataset.image_size=" + std::to_string(shape.side),
                                  "dataset.min_level_side=0",
                                  "dataset.cache_dir=null",
                                  "dataset.folds=2",
                                  std::string("dataset.stream=") + (stream ? "true" : "false"),
                                  "backbone=mobilenetv2-0.25",
                                  "method=patchgd",
                                  "method.patch_size=" + std::to_string(shape.patch),
                                  "method.sampling_fraction=0.25",
                                  "head.channels=16",
                                  "head.latent_dim=16",
                                  "train.batch_size=2",
                                  "train.epochs=1",
                                  "train.warmup_epochs=0",
                                  "train.max_batches_per_epoch=" + std::to_string(shape.batches),
                                  "eval.bn_recalibration=0",
                                  "threads=1",
                                  "measure.latency=false"};
    if (std::find(extra.begin(), extra.end(), "method=gd") != extra.end())  // PatchGD's keys go
      o.erase(std::remove_if(o.begin(), o.end(),
                             [](const std::string& k) {
                               return k.rfind("method.", 0) == 0 || k == "method=patchgd";
                             }),
              o.end());
    o.insert(o.end(), extra.begin(), extra.end());
    return o;
  }
  std::pair<int64_t, RunOutcome> run(const std::vector<std::string>& overrides) {
    const auto cfg = config::compose_config(PATCHGD_SOURCE_DIR "/experiments", overrides);
    const int64_t id =
        db_->start_single_run(cfg, config::config_hash(cfg), 42, "test:1", current_provenance(2));
    return {id, execute_run(cfg, {db_.get(), id, nullptr, nullptr, ""})};
  }
  std::vector<std::vector<std::optional<std::string>>> rows(const std::string& sql) {
    return db_->query(sql).rows;
  }
  std::optional<double> measurement(int64_t id, const std::string& name) {
    const auto r = rows("SELECT value FROM measurements WHERE run_id=" + std::to_string(id) +
                        " AND name='" + name + "'");
    if (r.empty() || !r[0][0]) return std::nullopt;
    return std::stod(*r[0][0]);
  }
  std::string metrics_and_predictions(int64_t id) {
    std::string out;
    for (const auto& sql :
         {"SELECT epoch, split, name, value FROM metrics WHERE run_id=" + std::to_string(id) +
              " ORDER BY epoch, split, name",
          "SELECT sample_id, label, predicted FROM predictions WHERE run_id=" + std::to_string(id) +
              " ORDER BY sample_id"})
      for (const auto& row : rows(sql)) {
        for (const auto& v : row) out += (v ? *v : "null") + " ";
        out += "\n";
      }
    return out;
  }
  void truncate_slides() {
    for (const auto& f : fs::directory_iterator(dir_ / "slides" / "train_images"))
      fs::resize_file(f.path(), fs::file_size(f.path()) / 3);
  }

  fs::path dir_;
  std::unique_ptr<store::ResultStore> db_;
};

TEST_F(StreamedRunTest, StreamedRunEqualsTheInMemoryRunAndRecordsItsReads) {
  auto [streamed, so] = run(overrides(true));
  ASSERT_EQ(so.status, store::RunStatus::Done) << so.error;
  auto [in_memory, mo] = run(overrides(false));
  ASSERT_EQ(mo.status, store::RunStatus::Done) << mo.error;
  const std::string a = metrics_and_predictions(streamed);
  EXPECT_NE(a.find("val accuracy"), std::string::npos) << a;
  EXPECT_EQ(a, metrics_and_predictions(in_memory));

  EXPECT_GT(measurement(streamed, "stream_read_s").value_or(0), 0);
  EXPECT_GE(measurement(streamed, "stream_wait_s").value_or(-1), 0);
  EXPECT_GT(measurement(streamed, "train_step_s").value_or(0), 0);
  EXPECT_GT(measurement(streamed, "predict_batch_s").value_or(0), 0);
  EXPECT_FALSE(measurement(in_memory, "stream_read_s").has_value());
  EXPECT_GT(measurement(in_memory, "train_step_s").value_or(0), 0);
}

// The batch search's probes and the latency steps stream too (no image is ever loaded).
TEST_F(StreamedRunTest, BatchSearchAndLatencyRunStreamedSteps) {
  auto [id, out] =
      run(overrides(true, {"train.batch_size=auto", "train.auto_batch_max=4", "memory.cap=1GB",
                           "measure.latency=true", "measure.steps=1", "measure.warmup_steps=0"}));
  ASSERT_EQ(out.status, store::RunStatus::Done) << out.error;
  EXPECT_GE(measurement(id, "auto_batch_size").value_or(0), 2);
  EXPECT_GT(measurement(id, "train_latency_ms").value_or(0), 0);
  EXPECT_GT(measurement(id, "infer_latency_ms").value_or(0), 0);
}

TEST_F(StreamedRunTest, GdOnAStreamedDatasetTrainsOnTheSameWindowWhole) {
  auto [id, out] = run(overrides(true, {"method=gd"}));
  ASSERT_EQ(out.status, store::RunStatus::Done) << out.error;
  EXPECT_FALSE(measurement(id, "stream_read_s").has_value());
}

TEST_F(StreamedRunTest, ATruncatedSlideFailsTheRunNamingIt) {
  truncate_slides();
  auto [id, out] = run(overrides(true));
  EXPECT_EQ(out.status, store::RunStatus::Failed);
  EXPECT_NE(out.error.find((dir_ / "slides" / "train_images").string()), std::string::npos)
      << out.error;
  EXPECT_EQ(db_->run(id)->status, store::RunStatus::Failed);
}

TEST_F(StreamedRunTest, ALevelTheSlideLacksFailsTheRunNamingIt) {
  auto [id, out] = run(overrides(true, {"dataset.level=5"}));
  EXPECT_EQ(out.status, store::RunStatus::Failed);
  EXPECT_NE(out.error.find((dir_ / "slides" / "train_images").string()), std::string::npos)
      << out.error;
  EXPECT_NE(out.error.find("dataset.level 5"), std::string::npos) << out.error;
}

// The point of streaming: a batch of two 2048² slides is 96 MiB as images, more than a 64 MB cap
// holds, so the in-memory run is OOM; streamed, PatchGD's peak follows its patches, not the
// image (measured 37.7 MiB at 1024² and at 2048²), and the same run trains.
TEST_F(StreamedRunTest, ASlideLargerThanTheCapTrainsStreamedAndIsOomInMemory) {
  data::SyntheticSlidesOptions o;
  o.slides_per_grade = 1;
  o.side = 2048;
  o.levels = 2;
  const fs::path big = dir_ / "big";
  data::write_synthetic_slides(big, o);
  const auto at_2048 = [&](bool stream) {
    return overrides(stream, {"memory.cap=64MB", "method.inner_chunk=4", "dataset.limit=2"},
                     {big, 2048, 128, 1});
  };
  auto [streamed, so] = run(at_2048(true));
  ASSERT_EQ(so.status, store::RunStatus::Done) << so.error;
  EXPECT_LT(measurement(streamed, "peak_memory").value_or(1e18), 64.0 * (1 << 20));
  auto [in_memory, mo] = run(at_2048(false));
  EXPECT_EQ(mo.status, store::RunStatus::Oom) << mo.error;
  EXPECT_NE(mo.error.find("memory.cap"), std::string::npos) << mo.error;
  EXPECT_EQ(db_->run(in_memory)->status, store::RunStatus::Oom);
}

TEST_F(StreamedRunTest, PreciseBatchNormIsRejectedForAStreamedRun) {
  const auto cfg = config::compose_config(PATCHGD_SOURCE_DIR "/experiments",
                                          overrides(true, {"eval.bn_recalibration=2"}));
  const int64_t id =
      db_->start_single_run(cfg, config::config_hash(cfg), 42, "test:1", current_provenance(2));
  const auto out = execute_run(cfg, {db_.get(), id, nullptr, nullptr, ""});
  EXPECT_EQ(out.status, store::RunStatus::Failed);
  EXPECT_NE(out.error.find("eval.bn_recalibration"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace pgd::runner
