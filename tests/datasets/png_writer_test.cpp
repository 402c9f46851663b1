#include "datasets/png_writer.h"

#include <zlib.h>

#include <gtest/gtest.h>

#include <fstream>

#include "tests/datasets/dataset_test_util.h"

namespace pgd::data {
namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

struct Chunk {
  std::string type;
  std::vector<uint8_t> data;
};

// Splits a PNG into chunks, checking the signature and every CRC on the way.
std::vector<Chunk> parse(const std::vector<uint8_t>& png) {
  const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_GE(png.size(), 8u);
  EXPECT_TRUE(std::equal(sig, sig + 8, png.begin()));
  std::vector<Chunk> chunks;
  size_t at = 8;
  while (at + 12 <= png.size()) {
    uint32_t len = be32(&png[at]);
    Chunk c;
    c.type.assign(png.begin() + at + 4, png.begin() + at + 8);
    c.data.assign(png.begin() + at + 8, png.begin() + at + 8 + len);
    uLong crc = crc32(crc32(0L, Z_NULL, 0), &png[at + 4], 4 + len);
    EXPECT_EQ(be32(&png[at + 8 + len]), static_cast<uint32_t>(crc)) << c.type;
    chunks.push_back(c);
    at += 12 + len;
  }
  EXPECT_EQ(at, png.size());
  return chunks;
}

std::vector<uint8_t> inflate_all(const std::vector<uint8_t>& packed, size_t expected) {
  std::vector<uint8_t> out(expected + 16);
  uLongf n = out.size();
  EXPECT_EQ(uncompress(out.data(), &n, packed.data(), packed.size()), Z_OK);
  out.resize(n);
  return out;
}

TEST(PngWriter, TwoByTwoGrayDecodes) {
  const uint8_t px[4] = {0, 255, 17, 128};
  std::vector<uint8_t> png = encode_png(px, 2, 2, 1);
  auto chunks = parse(png);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].type, "IHDR");
  EXPECT_EQ(chunks[1].type, "IDAT");
  EXPECT_EQ(chunks[2].type, "IEND");
  ASSERT_EQ(chunks[0].data.size(), 13u);
  EXPECT_EQ(be32(&chunks[0].data[0]), 2u);  // width
  EXPECT_EQ(be32(&chunks[0].data[4]), 2u);  // height
  EXPECT_EQ(chunks[0].data[8], 8);          // bit depth
  EXPECT_EQ(chunks[0].data[9], 0);          // gray
  // Each row: filter byte 0, then the pixels.
  EXPECT_EQ(inflate_all(chunks[1].data, 6), (std::vector<uint8_t>{0, 0, 255, 0, 17, 128}));
  EXPECT_TRUE(chunks[2].data.empty());
}

TEST(PngWriter, RgbRowsAndFile) {
  const uint8_t px[2 * 3 * 3] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
  testing::TempDir dir;
  write_png(dir / "rgb.png", px, 3, 2, 3);
  std::ifstream in(dir / "rgb.png", std::ios::binary);
  std::vector<uint8_t> png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto chunks = parse(png);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(be32(&chunks[0].data[0]), 3u);
  EXPECT_EQ(be32(&chunks[0].data[4]), 2u);
  EXPECT_EQ(chunks[0].data[9], 2);  // truecolour
  std::vector<uint8_t> rows = inflate_all(chunks[1].data, 2 * 10);
  ASSERT_EQ(rows.size(), 20u);
  EXPECT_EQ(rows[0], 0);
  EXPECT_EQ(rows[1], 1);
  EXPECT_EQ(rows[10], 0);
  EXPECT_EQ(rows[11], 10);
  EXPECT_EQ(rows[19], 18);
  EXPECT_FALSE(std::filesystem::exists(dir / "rgb.png.tmp"));
}

TEST(PngWriter, RejectsBadArgumentsAndUnwritablePaths) {
  const uint8_t px[4] = {};
  EXPECT_THROW(encode_png(px, 2, 2, 2), std::invalid_argument);
  EXPECT_THROW(encode_png(px, 0, 2, 1), std::invalid_argument);
  EXPECT_THROW(write_png("/nonexistent-dir/x.png", px, 2, 2, 1), DataError);
}

}  // namespace
}  // namespace pgd::data
