#include "datasets/rgb_normalizer.h"

namespace pgd::data {

RgbNormalizer::RgbNormalizer(const float mean[3], const float stddev[3]) {
  // 256 divisions per channel instead of one per pixel.
  for (int c = 0; c < 3; ++c)
    for (int v = 0; v < 256; ++v)
      table_[c][v] = (static_cast<float>(v) / 255.0f - mean[c]) / stddev[c];
}

void RgbNormalizer::to_planes(const uint8_t* rgb, int64_t pixels, float* dst,
                              int64_t plane_stride) const {
  for (int64_t p = 0; p < pixels; ++p) {
    dst[p] = table_[0][rgb[3 * p + 0]];
    dst[plane_stride + p] = table_[1][rgb[3 * p + 1]];
    dst[2 * plane_stride + p] = table_[2][rgb[3 * p + 2]];
  }
}

}  // namespace pgd::data
