// The pyramid TIFF writer: OpenSlide's generic-tiff backend opens what it writes, level by level.
#include "datasets/pyramid_tiff_writer.h"

#include <openslide.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "datasets/dataset.h"
#include "datasets/panda_slide.h"
#include "tests/datasets/panda_test_slides.h"

namespace pgd::data {
namespace {

using panda_testing::corner_image;
using panda_testing::Rgb;

// Noise-free but not flat: a gradient plus a block, so a shifted or transposed level shows.
std::vector<uint8_t> pattern(int64_t h, int64_t w) {
  std::vector<uint8_t> rgb = corner_image(h, w, {40, 160, 90}, {220, 30, 30}, 160, 200);
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      rgb[(y * w + x) * 3 + 2] = static_cast<uint8_t>((x + 2 * y) % 256);
  return rgb;
}

double mean_abs_diff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += std::abs(int(a[i]) - int(b[i]));
  return s / static_cast<double>(a.size());
}

TEST(PyramidTiff, DeflateLevelsOpenAsGenericTiffAndMatchExactly) {
  panda_testing::TempDir dir;
  const auto file = dir / "slide.tiff";
  const auto rgb = pattern(400, 600);
  write_pyramid_tiff(file, rgb, 400, 600, 3, 128, Compression::Deflate);

  const char* vendor = openslide_detect_vendor(file.c_str());
  ASSERT_NE(vendor, nullptr);
  EXPECT_STREQ(vendor, "generic-tiff");
  const auto levels = read_slide_levels(file);
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[0].width, 600);
  EXPECT_EQ(levels[0].height, 400);
  EXPECT_EQ(levels[1].width, 300);
  EXPECT_EQ(levels[1].height, 200);
  EXPECT_EQ(levels[2].width, 150);
  EXPECT_EQ(levels[2].height, 100);
  EXPECT_DOUBLE_EQ(levels[2].downsample, 4.0);

  int64_t h = 0, w = 0;
  EXPECT_EQ(read_slide_level_rgb(file, 0, &h, &w), rgb);
  const auto l1 = halve_rgb(rgb, 400, 600);
  EXPECT_EQ(read_slide_level_rgb(file, 1, &h, &w), l1);
  EXPECT_EQ(h, 200);
  EXPECT_EQ(w, 300);
  EXPECT_EQ(read_slide_level_rgb(file, 2, &h, &w), halve_rgb(l1, 200, 300));
}

TEST(PyramidTiff, StripReadsCrossTileRowsExactly) {
  // 7-row strips (far smaller than a 128-row tile) at every level reproduce the level.
  panda_testing::TempDir dir;
  const auto file = dir / "slide.tiff";
  const auto rgb = pattern(400, 600);
  write_pyramid_tiff(file, rgb, 400, 600, 3, 128, Compression::Deflate);
  int64_t h = 0, w = 0;
  const auto l1 = halve_rgb(rgb, 400, 600);
  EXPECT_EQ(read_slide_level_rgb(file, 1, &h, &w, 300 * 4 * 7), l1);
  EXPECT_EQ(read_slide_level_rgb(file, 2, &h, &w, 150 * 4 * 7), halve_rgb(l1, 200, 300));
}

TEST(PyramidTiff, OddSidesRoundUp) {
  panda_testing::TempDir dir;
  const auto file = dir / "odd.tiff";
  const auto rgb = pattern(101, 203);
  write_pyramid_tiff(file, rgb, 101, 203, 3, 64, Compression::Deflate);
  const auto levels = read_slide_levels(file);
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[1].width, 102);
  EXPECT_EQ(levels[1].height, 51);
  EXPECT_EQ(levels[2].width, 51);
  EXPECT_EQ(levels[2].height, 26);
  int64_t h = 0, w = 0;
  EXPECT_EQ(read_slide_level_rgb(file, 0, &h, &w), rgb);
  EXPECT_EQ(read_slide_level_rgb(file, 1, &h, &w), halve_rgb(rgb, 101, 203));
  // Downsample ~1.985 is not an integer: the level is read whole, so a tiny strip size must not
  // shift or blur rows (it did when such levels were read in strips).
  EXPECT_EQ(read_slide_level_rgb(file, 1, &h, &w, 102 * 4 * 5), halve_rgb(rgb, 101, 203));
}

TEST(PyramidTiff, JpegLevelsOpenAndStayClose) {
  panda_testing::TempDir dir;
  const auto file = dir / "slide.tiff";
  const auto rgb = corner_image(400, 600, {40, 160, 90}, {220, 30, 30}, 160, 200);
  write_pyramid_tiff(file, rgb, 400, 600, 3, 128, Compression::Jpeg);
  const char* vendor = openslide_detect_vendor(file.c_str());
  ASSERT_NE(vendor, nullptr);
  EXPECT_STREQ(vendor, "generic-tiff");
  ASSERT_EQ(read_slide_levels(file).size(), 3u);
  int64_t h = 0, w = 0;
  const auto l0 = read_slide_level_rgb(file, 0, &h, &w);
  ASSERT_EQ(l0.size(), rgb.size());
  EXPECT_LT(mean_abs_diff(l0, rgb), 3.0);
  const auto red = panda_testing::pixel(l0, 600, 50, 50),
             green = panda_testing::pixel(l0, 600, 300, 400);
  EXPECT_NEAR(red.r, 220, 8);
  EXPECT_NEAR(red.g, 30, 8);
  EXPECT_NEAR(green.g, 160, 8);
  const auto l2 = read_slide_level_rgb(file, 2, &h, &w);
  EXPECT_LT(mean_abs_diff(l2, halve_rgb(halve_rgb(rgb, 400, 600), 200, 300)), 4.0);
}

TEST(PyramidTiff, OneLevelIsAPlainTiledTiff) {
  panda_testing::TempDir dir;
  const auto file = dir / "one.tiff";
  write_pyramid_tiff(file, pattern(40, 50), 40, 50, 1, 16);
  const auto levels = read_slide_levels(file);
  ASSERT_EQ(levels.size(), 1u);
  EXPECT_EQ(levels[0].width, 50);
}

TEST(PyramidTiff, RejectsBadArgumentsAndNamesUnwritablePaths) {
  panda_testing::TempDir dir;
  const auto rgb = pattern(32, 32);
  EXPECT_THROW(write_pyramid_tiff(dir / "a.tiff", rgb, 32, 31, 2), std::invalid_argument);
  EXPECT_THROW(write_pyramid_tiff(dir / "a.tiff", rgb, 32, 32, 0), std::invalid_argument);
  EXPECT_THROW(write_pyramid_tiff(dir / "a.tiff", rgb, 32, 32, 2, 24), std::invalid_argument);
  const auto bad = dir / "no_such_dir" / "a.tiff";
  try {
    write_pyramid_tiff(bad, rgb, 32, 32, 2, 16);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(bad.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgd::data
