// The PANDA-shaped synthetic slides: readable through OpenSlide at every level, and the tiled
// writer (gigapixel sides, one tile in memory) renders the same level 0 as the whole-image one.
#include "datasets/synthetic_slides.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "datasets/panda_slide.h"
#include "datasets/pyramid_tiff_writer.h"
#include "tests/datasets/panda_test_slides.h"

namespace pgd::data {
namespace {

std::vector<uint8_t> level_rgb(const std::filesystem::path& slide, int32_t level, int64_t* h,
                               int64_t* w) {
  return read_slide_level_rgb(slide, level, h, w);
}

TEST(SyntheticSlides, WritesAPandaShapedSetThatOpenSlideReadsAtEveryLevel) {
  panda_testing::TempDir dir;
  SyntheticSlidesOptions o;
  o.slides_per_grade = 1;
  o.side = 256;
  o.levels = 3;
  write_synthetic_slides(dir.path(), o);
  std::ifstream csv(dir / "train.csv");
  std::string line;
  int rows = -1;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 6);
  const auto levels = read_slide_levels(dir / "train_images" / "synth0005.tiff");
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[0].width, 256);
  EXPECT_EQ(levels[2].width, 64);
}

// Same scene, written whole (levels are box means) and tile by tile (levels point-sampled):
// level 0 is identical, and the tiled level 1 is level 0's pixel (2i+1, 2j+1).
TEST(SyntheticSlides, TiledWriterRendersTheSameLevelZero) {
  panda_testing::TempDir whole_dir, tiled_dir;
  SyntheticSlidesOptions o;
  o.slides_per_grade = 1;
  o.side = 640;
  o.levels = 2;
  write_synthetic_slides(whole_dir.path(), o);
  o.in_memory_side = 0;
  write_synthetic_slides(tiled_dir.path(), o);
  for (const char* id : {"synth0000.tiff", "synth0005.tiff"}) {
    int64_t h = 0, w = 0, th = 0, tw = 0;
    const auto whole = level_rgb(whole_dir / "train_images" / id, 0, &h, &w);
    const auto tiled = level_rgb(tiled_dir / "train_images" / id, 0, &th, &tw);
    ASSERT_EQ(th, h);
    ASSERT_EQ(tw, w);
    EXPECT_EQ(tiled, whole) << id;
    int64_t h1 = 0, w1 = 0;
    const auto tiled1 = level_rgb(tiled_dir / "train_images" / id, 1, &h1, &w1);
    int64_t mismatches = 0;
    // (An odd side's last level-1 row samples the scene just past level 0: not compared.)
    for (int64_t i = 0; 2 * i + 1 < h; ++i)
      for (int64_t j = 0; 2 * j + 1 < w; ++j) {
        const int64_t y = 2 * i + 1, x = 2 * j + 1;
        for (int c = 0; c < 3; ++c)
          mismatches += tiled1[(i * w1 + j) * 3 + c] != whole[(y * w + x) * 3 + c];
      }
    EXPECT_EQ(mismatches, 0) << id;
  }
}

TEST(SyntheticSlides, ASecondCallWithTheSameOptionsWritesNothing) {
  panda_testing::TempDir dir;
  SyntheticSlidesOptions o;
  o.slides_per_grade = 1;
  o.side = 128;
  write_synthetic_slides(dir.path(), o);
  const auto slide = dir / "train_images" / "synth0000.tiff";
  std::filesystem::remove(slide);
  write_synthetic_slides(dir.path(), o);
  EXPECT_FALSE(std::filesystem::exists(slide));  // the stamp matched: nothing rewritten
  o.in_memory_side = 64;                          // now tiled: another stamp
  write_synthetic_slides(dir.path(), o);
  EXPECT_TRUE(std::filesystem::exists(slide));
}

}  // namespace
}  // namespace pgd::data
