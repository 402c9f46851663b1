// Lossless levels read tile by tile through libtiff give the bytes OpenSlide gives, window for
// window, and the reader steps aside wherever it could not (JPEG, other layouts).
#include "datasets/lossless_tile_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "datasets/dataset.h"
#include "datasets/openslide_file.h"
#include "datasets/pyramid_tiff_writer.h"
#include "tests/datasets/panda_test_slides.h"

namespace pgd::data {
namespace {

// Every pixel different from its neighbours: a shifted, transposed or mis-tiled copy shows.
std::vector<uint8_t> busy(int64_t h, int64_t w) {
  std::vector<uint8_t> rgb(static_cast<size_t>(h * w * 3));
  std::mt19937 gen(7);
  for (auto& v : rgb) v = static_cast<uint8_t>(gen());
  return rgb;
}

std::vector<uint8_t> window(const OpenSlideFile& f, int32_t level, int64_t x, int64_t y, int64_t w,
                            int64_t h) {
  std::vector<uint8_t> rgb(static_cast<size_t>(w * h * 3));
  f.read_rgb(level, f.level(level), x, y, w, h, rgb.data());
  return rgb;
}

// Windows inside the level, across tile seams, over the right and bottom edges and wholly
// outside, at every level: the direct reads equal OpenSlide's.
void expect_same_windows(const std::filesystem::path& file) {
  const OpenSlideFile direct(file), through(file, LosslessTiles::ThroughOpenSlide);
  std::mt19937 gen(3);
  const auto levels = direct.levels();
  for (int32_t l = 0; l < static_cast<int32_t>(levels.size()); ++l) {
    const int64_t lw = levels[l].width, lh = levels[l].height;
    std::vector<std::array<int64_t, 4>> windows = {
        {0, 0, lw, lh}, {0, 0, 1, 1}, {lw - 5, lh - 3, 40, 30}, {lw + 10, 0, 16, 16}};
    for (int i = 0; i < 20; ++i) {
      const int64_t w = 1 + static_cast<int64_t>(gen() % 150), h = 1 + gen() % 150;
      windows.push_back({static_cast<int64_t>(gen() % lw), static_cast<int64_t>(gen() % lh), w, h});
    }
    for (const auto& [x, y, w, h] : windows)
      ASSERT_EQ(window(direct, l, x, y, w, h), window(through, l, x, y, w, h))
          << file << " level " << l << " window " << w << "x" << h << " at (" << x << ", " << y
          << ")";
  }
}

TEST(LosslessTileReader, DeflateWindowsEqualOpenSlidesAtEveryLevel) {
  panda_testing::TempDir dir;
  write_pyramid_tiff(dir / "a.tiff", busy(400, 600), 400, 600, 3, 128, Compression::Deflate);
  expect_same_windows(dir / "a.tiff");
  // Odd sides: partial edge tiles at every level, tiles narrower than the level.
  write_pyramid_tiff(dir / "b.tiff", busy(101, 203), 101, 203, 3, 64, Compression::Deflate);
  expect_same_windows(dir / "b.tiff");
}

TEST(LosslessTileReader, ServesLosslessLevelsAndLeavesJpegToOpenSlide) {
  panda_testing::TempDir dir;
  write_pyramid_tiff(dir / "d.tiff", busy(256, 256), 256, 256, 2, 64, Compression::Deflate);
  write_pyramid_tiff(dir / "j.tiff", busy(256, 256), 256, 256, 2, 64, Compression::Jpeg);
  const auto levels = OpenSlideFile(dir / "d.tiff").levels();
  const auto d = LosslessTileReader::open(dir / "d.tiff", levels);
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->reads_level(0));
  EXPECT_TRUE(d->reads_level(1));
  EXPECT_FALSE(d->reads_level(2));
  const auto j = LosslessTileReader::open(dir / "j.tiff", levels);
  ASSERT_NE(j, nullptr);
  EXPECT_FALSE(j->reads_level(0));
  // Levels that are not the file's (sizes OpenSlide did not report): no reader at all.
  auto other = levels;
  other[1].width += 1;
  EXPECT_EQ(LosslessTileReader::open(dir / "d.tiff", other), nullptr);
  EXPECT_EQ(LosslessTileReader::open(dir / "d.tiff", {levels[0]}), nullptr);
}

TEST(LosslessTileReader, ACorruptTileIsADataErrorNamingTheSlide) {
  panda_testing::TempDir dir;
  const auto file = dir / "c.tiff";
  write_pyramid_tiff(file, busy(256, 256), 256, 256, 2, 64, Compression::Deflate);
  const OpenSlideFile slide(file);  // opened while intact
  {
    // Level 0's first tile starts right after the 8-byte header: 0xFF is no zlib stream.
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8);
    const std::string junk(2000, '\xff');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  try {
    window(slide, 0, 0, 0, 64, 64);
    FAIL() << "a corrupt tile read without an error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tile (0, 0) of level 0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgd::data
