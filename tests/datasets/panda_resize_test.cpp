// Area averaging (streamed by strips) and bilinear enlarging of RGB images.
#include "datasets/panda_resize.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace pgd::data {
namespace {

// Gray image (r = g = b) from a list of values, h×w.
std::vector<uint8_t> gray(const std::vector<int>& v) {
  std::vector<uint8_t> rgb;
  for (int x : v)
    for (int c = 0; c < 3; ++c) rgb.push_back(static_cast<uint8_t>(x));
  return rgb;
}

std::vector<int> red_channel(const std::vector<uint8_t>& rgb) {
  std::vector<int> out;
  for (size_t i = 0; i < rgb.size(); i += 3) out.push_back(rgb[i]);
  return out;
}

TEST(PandaResize, KeepAspectShape) {
  auto s = keep_aspect_shape(400, 600, 128);
  EXPECT_EQ(s.width, 128);
  EXPECT_EQ(s.height, 85);  // 400·128/600 = 85.33
  s = keep_aspect_shape(600, 400, 128);
  EXPECT_EQ(s.height, 128);
  EXPECT_EQ(s.width, 85);
  s = keep_aspect_shape(3, 1000, 100);
  EXPECT_EQ(s.height, 1);  // never 0
  s = keep_aspect_shape(50, 50, 200);
  EXPECT_EQ(s.height, 200);
  EXPECT_EQ(s.width, 200);
}

TEST(PandaResize, AreaAveragesWholeBlocks) {
  // 2×4 → 1×2: each output is the mean of a 2×2 block.
  const auto out = resize_rgb_area(gray({0, 10, 100, 200, 20, 30, 50, 50}), 2, 4, 1, 2);
  EXPECT_EQ(red_channel(out), (std::vector<int>{15, 100}));
}

TEST(PandaResize, AreaWeighsPartialPixels) {
  // 1×3 → 1×2, ratio 1.5: out0 = (0 + 0.5·90) / 1.5 = 30, out1 = (0.5·90 + 180) / 1.5 = 150.
  EXPECT_EQ(red_channel(resize_rgb_area(gray({0, 90, 180}), 1, 3, 1, 2)),
            (std::vector<int>{30, 150}));
  // Same along the rows (3×1 → 2×1).
  EXPECT_EQ(red_channel(resize_rgb_area(gray({0, 90, 180}), 3, 1, 2, 1)),
            (std::vector<int>{30, 150}));
}

TEST(PandaResize, AreaIdentityAndChannelsStaySeparate) {
  std::vector<uint8_t> rgb;
  for (int i = 0; i < 5 * 7 * 3; ++i) rgb.push_back(static_cast<uint8_t>(i * 37 % 256));
  EXPECT_EQ(resize_rgb_area(rgb, 5, 7, 5, 7), rgb);
  const std::vector<uint8_t> px = {10, 20, 30, 50, 60, 70};  // 1×2 → 1×1
  EXPECT_EQ(resize_rgb_area(px, 1, 2, 1, 1), (std::vector<uint8_t>{30, 40, 50}));
}

TEST(PandaResize, StreamingByStripsMatchesOneShot) {
  const int64_t h = 37, w = 23, oh = 10, ow = 7;
  std::vector<uint8_t> rgb(static_cast<size_t>(h * w * 3));
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>((i * 7919) % 251);
  const auto whole = resize_rgb_area(rgb, h, w, oh, ow);
  for (int64_t step : {1, 2, 5, 36}) {
    AreaResizer r(h, w, oh, ow);
    for (int64_t y = 0; y < h; y += step)
      r.push_rows(rgb.data() + y * w * 3, std::min(step, h - y));
    EXPECT_EQ(r.finish(), whole) << "strips of " << step;
  }
}

TEST(PandaResize, AreaRejectsMisuse) {
  EXPECT_THROW(AreaResizer(4, 4, 5, 4), std::invalid_argument);  // enlarging is bilinear's job
  AreaResizer r(4, 4, 2, 2);
  std::vector<uint8_t> rows(4 * 4 * 3, 0);
  r.push_rows(rows.data(), 3);
  EXPECT_THROW(r.finish(), std::logic_error);
  EXPECT_THROW(r.push_rows(rows.data(), 2), std::logic_error);
}

TEST(PandaResize, BilinearAlignsPixelCentres) {
  // 1×2 → 1×4: sources −0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
  EXPECT_EQ(red_channel(resize_rgb_bilinear(gray({0, 100}), 1, 2, 1, 4)),
            (std::vector<int>{0, 25, 75, 100}));
  // 2×2 → 4×4, the centre of the bottom-right quarter: rows and columns both at 0.75.
  const auto out = resize_rgb_bilinear(gray({0, 100, 100, 200}), 2, 2, 4, 4);
  EXPECT_EQ(out[(2 * 4 + 2) * 3], 150);  // 0.25·0.25·0 + 2·0.25·0.75·100 + 0.75·0.75·200
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[(3 * 4 + 3) * 3], 200);
}

}  // namespace
}  // namespace pgd::data
