// The gigapixel sweep (issue 16) through the real binary, at the test suite's size: streamed runs
// land in the store and the gigapixel table; a bad slide fails its run, naming the file, and the
// sweep goes on to the next.
#include <gtest/gtest.h>

#include <fstream>

#include "harness/store/result_store.h"
#include "tests/cli/cli_test_util.h"

namespace pgd::cli_test {
namespace {
namespace fs = std::filesystem;

int64_t count(const fs::path& db, const std::string& sql) {
  store::ResultStore s(db);
  return std::stoll(s.query(sql).rows.at(0).at(0).value());
}

// Six synthetic slides of `side` under dir/<side> (train.csv, train_images/).
void write_slides(const fs::path& dir, int side) {
  const auto r = patchgd("data panda-synthetic --per-grade 1 --levels 2 --side " +
                         std::to_string(side) + " --out " + (dir / std::to_string(side)).string());
  ASSERT_EQ(r.code, 0) << r.out;
}

TEST(GigapixelSweep, SmokeScaleStreamsEverySideIntoTheTable) {
  const auto d = fresh_dir("gigapixel");
  write_slides(d, 512);
  write_slides(d, 1024);
  const std::string data = d.string() + "/\\${dataset.image_size}";
  auto r = patchgd("sweep " PATCHGD_SOURCE_DIR
                   "/experiments/sweeps/gigapixel.yaml scale=smoke "
                   "threads=1 \"dataset.csv=" +
                   data + "/train.csv\" \"dataset.slides_dir=" + data + "/train_images\" --db " +
                   (d / "r.db").string());
  ASSERT_EQ(r.code, 0) << r.out;
  const fs::path db = d / "r.db";
  // PatchGD trains at both sides; GD holds the image whole, so under 1 GB it trains or is OOM
  // (measured: OOM at 1024², batch 2), never failed.
  EXPECT_EQ(count(db,
                  "SELECT count(*) FROM runs WHERE status='done' AND "
                  "json_extract(config, '$.method.name')='patchgd'"),
            2);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status IN ('done', 'oom')"), 4);
  // Each PatchGD run read its patches from the slide; GD's runs read none.
  EXPECT_EQ(count(db, "SELECT count(*) FROM measurements WHERE name='stream_read_s' AND value>0"),
            2);
  EXPECT_GE(count(db, "SELECT count(*) FROM measurements WHERE name='train_step_s'"), 2);
  EXPECT_EQ(count(db, "SELECT count(*) FROM measurements WHERE name='peak_rss'"), 4);

  r = patchgd("tables --db " + db.string() + " --table gigapixel --scale smoke --format md");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Peak RSS (MiB)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PatchGD"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1024"), std::string::npos) << r.out;
  fs::remove_all(d);
}

TEST(GigapixelSweep, ATruncatedSlideFailsItsRunAndTheSweepGoesOn) {
  const auto d = fresh_dir("gigapixel-bad");
  write_slides(d, 512);
  fs::copy(d / "512", d / "bad", fs::copy_options::recursive);
  for (const auto& f : fs::directory_iterator(d / "bad" / "train_images"))
    fs::resize_file(f.path(), fs::file_size(f.path()) / 3);
  const fs::path sweep = d / "s.yaml";
  std::ofstream(sweep) << "name: stream-bad\noverrides: [dataset=panda, dataset.stream=true, "
                          "dataset.image_size=512, dataset.cache_dir=null, dataset.limit=2,\n"
                       << "  dataset.folds=2, dataset.csv=" << (d / "512" / "train.csv").string()
                       << ", backbone=mobilenetv2-0.25, method=patchgd, method.patch_size=128,\n"
                       << "  method.sampling_fraction=0.25, head.channels=16, head.latent_dim=16, "
                          "train.batch_size=2, train.epochs=1,\n"
                       << "  eval.bn_recalibration=0, measure.latency=false, threads=1]\n"
                       << "grid:\n  dataset.slides_dir: [" << (d / "bad" / "train_images").string()
                       << ", " << (d / "512" / "train_images").string() << "]\n";
  const auto r = patchgd("sweep " + sweep.string() + " --db " + (d / "r.db").string());
  EXPECT_EQ(r.code, 101) << r.out;  // 100 + one failed run
  EXPECT_NE(r.out.find((d / "bad" / "train_images").string()), std::string::npos) << r.out;
  EXPECT_EQ(count(d / "r.db", "SELECT count(*) FROM runs WHERE status='failed' AND error LIKE '%" +
                                  (d / "bad" / "train_images").string() + "%'"),
            1);
  EXPECT_EQ(count(d / "r.db", "SELECT count(*) FROM runs WHERE status='done'"), 1);
  fs::remove_all(d);
}

}  // namespace
}  // namespace pgd::cli_test
