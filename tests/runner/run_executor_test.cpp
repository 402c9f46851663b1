// End to end through the runner on tiny synthetic data: what a run writes to the store.
#include "harness/runner/run_executor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <torch/cuda.h>

#include "harness/config/compose.h"
#include "harness/config/config_hash.h"
#include "harness/runner/provenance.h"
#include "harness/store/result_store.h"

namespace pgd::runner {
namespace {
namespace fs = std::filesystem;

// Tiny synthetic runs; PatchGD-only keys only where the method is PatchGD (they do not exist for
// GD).
std::vector<std::string> tiny(std::vector<std::string> extra) {
  const bool patchgd = std::find(extra.begin(), extra.end(), "method=gd") == extra.end();
  std::vector<std::string> o = {"dataset=synthetic",
                                "dataset.image_size=64",
                                "dataset.train_size=8",
                                "dataset.val_size=4",
                                "backbone=mobilenetv2-0.25",
                                "train.batch_size=4",
                                "train.epochs=2",
                                "train.warmup_epochs=0",
                                "head.channels=16",
                                "head.latent_dim=16",
                                "threads=1",
                                "measure.steps=1",
                                "measure.warmup_steps=0"};
  if (patchgd) {
    o.push_back("method.patch_size=16");
    o.push_back("method.sampling_fraction=0.5");
  }
  o.insert(o.end(), extra.begin(), extra.end());
  return o;
}

// GD on synthetic images of `image_side` for the input-size search, one epoch.
std::vector<std::string> gd_with_input_size(int image_side, int train_size, int batch) {
  return {"dataset=synthetic",
          "dataset.image_size=" + std::to_string(image_side),
          "dataset.train_size=" + std::to_string(train_size),
          "dataset.val_size=4",
          "backbone=mobilenetv2-0.25",
          "method=gd",
          "train.batch_size=" + std::to_string(batch),
          "train.epochs=1",
          "head.channels=16",
          "head.latent_dim=16",
          "threads=1",
          "measure.latency=false"};
}

class RunExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgd_runner_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::make_unique<store::ResultStore>(dir_ / "r.db");
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  // Runs the overrides; returns (run id, outcome).
  std::pair<int64_t, RunOutcome> run(const std::vector<std::string>& overrides) {
    const auto cfg = config::compose_config(PATCHGD_SOURCE_DIR "/experiments", overrides);
    const int64_t id =
        db_->start_single_run(cfg, config::config_hash(cfg), 42, "test:1", current_provenance(2));
    return {id, execute_run(cfg, {db_.get(), id, nullptr, nullptr, ""})};
  }
  double scalar(const std::string& sql) {
    const auto q = db_->query(sql);
    EXPECT_EQ(q.rows.size(), 1u) << sql;
    return q.rows.empty() || !q.rows[0][0] ? -1e9 : std::stod(*q.rows[0][0]);
  }
  double measurement(int64_t run_id, const std::string& name) {
    return scalar("SELECT value FROM measurements WHERE run_id=" + std::to_string(run_id) +
                  " AND name='" + name + "'");
  }
  fs::path dir_;
  std::unique_ptr<store::ResultStore> db_;
};

TEST_F(RunExecutorTest, PatchGdRunRecordsMetricsPredictionsAndMeasurements) {
  auto [id, out] = run(tiny({"method=patchgd"}));
  ASSERT_EQ(out.status, store::RunStatus::Done) << out.error;
  const std::string r = std::to_string(id);
  EXPECT_EQ(scalar("SELECT count(*) FROM metrics WHERE run_id=" + r +
                   " AND split='train' AND name='loss'"),
            2);
  EXPECT_EQ(scalar("SELECT count(*) FROM metrics WHERE run_id=" + r +
                   " AND split='val' AND name='qwk' AND epoch>=0"),
            2);
  const double best = scalar("SELECT value FROM metrics WHERE run_id=" + r +
                             " AND epoch=-1 AND name='best_accuracy'");
  const double max_epoch = scalar("SELECT max(value) FROM metrics WHERE run_id=" + r +
                                  " AND split='val' AND name='accuracy' AND epoch>=0");
  EXPECT_DOUBLE_EQ(best, max_epoch);
  EXPECT_EQ(scalar("SELECT count(*) FROM predictions WHERE run_id=" + r), 4);
  EXPECT_GT(scalar("SELECT value FROM measurements WHERE run_id=" + r + " AND name='peak_memory'"),
            1e5);
  // The process's peak RSS beside it: at least the cap's count plus LibTorch's own code.
  EXPECT_GT(scalar("SELECT value FROM measurements WHERE run_id=" + r + " AND name='peak_rss'"),
            scalar("SELECT value FROM measurements WHERE run_id=" + r + " AND name='peak_memory'"));
  EXPECT_GT(
      scalar("SELECT value FROM measurements WHERE run_id=" + r + " AND name='train_latency_ms'"),
      0);
  EXPECT_GT(scalar("SELECT value FROM measurements WHERE run_id=" + r + " AND name='parameters'"),
            1000);
  EXPECT_EQ(scalar("SELECT value FROM measurements WHERE run_id=" + r + " AND name='batch_size'"),
            4);
  EXPECT_EQ(db_->run(id)->status, store::RunStatus::Done);
}

TEST_F(RunExecutorTest, OverTheCapIsAnOomResultWithItsPeak) {
  auto [id, out] = run(tiny({"method=gd", "memory.cap=2MB"}));
  EXPECT_EQ(out.status, store::RunStatus::Oom) << out.error;
  EXPECT_EQ(db_->run(id)->status, store::RunStatus::Oom);
  EXPECT_FALSE(db_->run(id)->error.empty());
  EXPECT_GT(measurement(id, "peak_memory"), 0);
  EXPECT_EQ(measurement(id, "memory_cap"), 2.0 * 1024 * 1024);
}

TEST_F(RunExecutorTest, AutoBatchFindsAFittingBatchUnderTheCap) {
  auto [id, out] = run(
      tiny({"method=gd", "train.batch_size=auto", "train.auto_batch_max=8", "memory.cap=512MB"}));
  ASSERT_EQ(out.status, store::RunStatus::Done) << out.error;
  const double b = measurement(id, "auto_batch_size");
  EXPECT_GE(b, 1);
  EXPECT_LE(b, 8);
  EXPECT_EQ(measurement(id, "batch_size"), b);
}

// The batch the search picks must train for real under the same cap. The search once probed a
// single step of a fresh model: from the second step on, gradients and Adam's two moment buffers
// stay live through the forward pass and the loader builds the next batch meanwhile, so runs
// OOMed right after "batch search: 24 fits". Several caps, so some land mid-search.
TEST_F(RunExecutorTest, AutoBatchChosenUnderATightCapTrainsWithoutOom) {
  int mid_search = 0;
  for (const char* cap : {"40MB", "56MB", "72MB", "96MB"}) {
    auto [id, out] =
        run({"dataset=synthetic", "dataset.image_size=128", "dataset.train_size=24",
             "dataset.val_size=4", "backbone=mobilenetv2-0.25", "method=gd",
             "train.batch_size=auto", "train.auto_batch_max=12", "train.epochs=2",
             "train.warmup_epochs=0", "head.channels=16", "head.latent_dim=16", "threads=1",
             "measure.steps=1", "measure.warmup_steps=0", std::string("memory.cap=") + cap});
    if (out.status != store::RunStatus::Done) {
      // Acceptable only when the search itself found nothing that fits.
      EXPECT_NE(out.error.find("batch search"), std::string::npos)
          << "cap " << cap << ": " << out.error;
      continue;
    }
    const double b = measurement(id, "auto_batch_size");
    if (b > 2 && b < 12) ++mid_search;
  }
  EXPECT_GE(mid_search, 1) << "no cap landed mid-search; the caps no longer exercise the search";
}

// GD at reduced resolution, `auto`: the largest multiple of 32 whose step fits the cap at the
// run's batch, recorded as the input_size used; it trains under that cap.
TEST_F(RunExecutorTest, AutoInputSizeFindsASideThatTrainsUnderTheCap) {
  const auto base = gd_with_input_size(256, 8, 4);
  auto uncapped = base;
  uncapped.push_back("method.input_size=auto");
  auto [free_id, free_out] = run(uncapped);
  ASSERT_EQ(free_out.status, store::RunStatus::Done) << free_out.error;
  EXPECT_EQ(measurement(free_id, "input_size"), 256);
  const double full_peak = measurement(free_id, "peak_memory");
  auto capped = uncapped;
  // Between the full side's peak and a fraction of it: the search must end below 256.
  capped.push_back("memory.cap=" + std::to_string(static_cast<int64_t>(full_peak * 0.6 / 1024)) +
                   "KB");
  auto [id, out] = run(capped);
  ASSERT_EQ(out.status, store::RunStatus::Done) << out.error;
  const double side = measurement(id, "input_size");
  EXPECT_GE(side, 32);
  EXPECT_LT(side, 256);
  EXPECT_EQ(static_cast<int64_t>(side) % 32, 0);
}

// The side the search picks must train for real under the same cap. Its probe once left out the
// next batch the loader holds while one trains (two copies of a full-resolution batch), so the run
// OOMed right after "input size search: 32 px fits" (equal-memory sweep, 56 MB). Large images and
// a small side make those copies dominate: caps a little above a run's own peak at 64 px, where a
// probe without the copies finds a side that fits and the run then runs out of memory.
TEST_F(RunExecutorTest, AutoInputSizeChosenUnderATightCapTrainsWithoutOom) {
  auto base = gd_with_input_size(512, 16, 8);
  base.push_back("eval.bn_recalibration=0");
  auto at64 = base;
  at64.push_back("method.input_size=64");
  auto [free_id, free_out] = run(at64);
  ASSERT_EQ(free_out.status, store::RunStatus::Done) << free_out.error;
  const double peak64 = measurement(free_id, "peak_memory");
  // Each cap: the run trains at the side found, or the search itself refuses (its probe is
  // conservative); never an OOM after the search said a side fits.
  int trained = 0;
  for (double margin : {1.02, 1.15, 1.3}) {
    auto capped = base;
    capped.push_back("method.input_size=auto");
    capped.push_back("memory.cap=" + std::to_string(static_cast<int64_t>(peak64 * margin / 1024)) +
                     "KB");
    auto [id, out] = run(capped);
    if (out.status == store::RunStatus::Done) {
      ++trained;
      continue;
    }
    EXPECT_NE(out.error.find("input size search"), std::string::npos)
        << "cap " << margin << " x the peak at 64 px: " << out.error;
  }
  EXPECT_GE(trained, 1) << "the search refused every cap; it no longer finds a side that fits";
}

// PatchGD's batch search probes its whole step (fill, inner loop, optimizer state) and the
// batch it picks trains under the cap, also with the chunked inner step.
TEST_F(RunExecutorTest, PatchGdAutoBatchTrainsUnderTheCap) {
  for (const char* chunk : {"0", "16"}) {
    auto [id, out] =
        run({"dataset=synthetic", "dataset.image_size=128", "dataset.train_size=16",
             "dataset.val_size=4", "backbone=mobilenetv2-0.25", "method=patchgd",
             "method.patch_size=32", "method.sampling_fraction=0.5",
             std::string("method.inner_chunk=") + chunk, "train.batch_size=auto",
             "train.auto_batch_max=16", "train.epochs=1", "head.channels=16", "head.latent_dim=16",
             "threads=1", "measure.latency=false", "memory.cap=48MB"});
    ASSERT_EQ(out.status, store::RunStatus::Done) << "inner_chunk " << chunk << ": " << out.error;
    const double b = measurement(id, "auto_batch_size");
    EXPECT_GE(b, 2) << chunk;
    EXPECT_LE(b, 16) << chunk;
  }
}

// On the GPU box: a PatchGD run and a GD batch search under a CUDA cap, end to end.
TEST_F(RunExecutorTest, CudaRunsMeasureTheirPeakAndSearchUnderTheCap) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device in this build or machine";
  auto [id, out] = run(tiny({"method=patchgd", "device=cuda", "memory.cap=1GB"}));
  ASSERT_EQ(out.status, store::RunStatus::Done) << out.error;
  const double peak = measurement(id, "peak_memory");
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, 1024.0 * 1024 * 1024);
  auto [gid, gout] = run({"dataset=synthetic", "dataset.image_size=256", "dataset.train_size=64",
                          "dataset.val_size=4", "backbone=resnet18", "method=gd", "device=cuda",
                          "train.batch_size=auto", "train.auto_batch_max=64", "train.epochs=1",
                          "train.max_batches_per_epoch=2", "memory.cap=600MB", "threads=1",
                          "measure.steps=1", "measure.warmup_steps=0"});
  ASSERT_EQ(gout.status, store::RunStatus::Done) << gout.error;
  const double b = measurement(gid, "auto_batch_size");
  EXPECT_GE(b, 2);
  EXPECT_LT(b, 64) << "a 600 MB cap should stop ResNet18 at 256 px well before batch 64";
}

TEST_F(RunExecutorTest, MissingDataFailsTheRunNamingThePath) {
  auto [id, out] = run({"dataset=ultramnist10", "dataset.image_size=64",
                        "dataset.mnist_path=/nonexistent/mnist", "train.epochs=1", "threads=1"});
  EXPECT_EQ(out.status, store::RunStatus::Failed);
  EXPECT_NE(out.error.find("/nonexistent/mnist"), std::string::npos) << out.error;
  EXPECT_EQ(db_->run(id)->status, store::RunStatus::Failed);
}

// Same config and seed on CPU → identical metrics (issue: determinism).
TEST_F(RunExecutorTest, SameSeedGivesIdenticalMetrics) {
  auto [a, oa] = run(tiny({"method=patchgd", "train.epochs=1"}));
  auto [b, ob] = run(tiny({"method=patchgd", "train.epochs=1"}));
  ASSERT_EQ(oa.status, store::RunStatus::Done) << oa.error;
  ASSERT_EQ(ob.status, store::RunStatus::Done) << ob.error;
  const auto metrics = [&](int64_t id) {
    return db_
        ->query("SELECT epoch, split, name, value FROM metrics WHERE run_id=" + std::to_string(id) +
                " ORDER BY epoch, split, name")
        .rows;
  };
  EXPECT_EQ(metrics(a), metrics(b));
}

TEST_F(RunExecutorTest, CheckpointResumeContinuesAtTheNextEpoch) {
  const std::string ck = "train.checkpoint_dir=" + (dir_ / "ckpt").string();
  auto [a, oa] = run(tiny({"method=patchgd", "train.epochs=1", ck}));
  ASSERT_EQ(oa.status, store::RunStatus::Done) << oa.error;
  // The checkpoint is keyed by the config hash, so only an identical config resumes. Re-running
  // the identical one trains no further epoch, and its row holds the history the checkpoint
  // carries: the same per-epoch metrics, value for value, as the run that wrote it.
  auto [b, ob] = run(tiny({"method=patchgd", "train.epochs=1", ck}));
  ASSERT_EQ(ob.status, store::RunStatus::Done) << ob.error;
  const std::string per_epoch = " AND epoch >= 0";
  const std::string ra = std::to_string(a), rb = std::to_string(b);
  EXPECT_EQ(scalar("SELECT count(*) FROM metrics WHERE run_id=" + rb + per_epoch),
            scalar("SELECT count(*) FROM metrics WHERE run_id=" + ra + per_epoch));
  EXPECT_EQ(scalar("SELECT count(*) FROM metrics x JOIN metrics y ON x.epoch = y.epoch AND x.split "
                   "= y.split "
                   "AND x.name = y.name AND x.value = y.value WHERE x.run_id=" +
                   ra + " AND y.run_id=" + rb + " AND x.epoch >= 0"),
            scalar("SELECT count(*) FROM metrics WHERE run_id=" + ra + per_epoch));
  EXPECT_EQ(scalar("SELECT count(*) FROM predictions WHERE run_id=" + rb), 4);
}

}  // namespace
}  // namespace pgd::runner
