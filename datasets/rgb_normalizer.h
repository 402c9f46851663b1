#pragma once
// RGB bytes → normalized float planes, (v/255 - mean[c]) / std[c]: one table per channel, so
// a whole image and a patch read on its own give bit-identical values.
#include <cstdint>

namespace pgd::data {

class RgbNormalizer {
 public:
  RgbNormalizer(const float mean[3], const float stddev[3]);
  // `pixels` RGB triples from rgb → channel c's values at dst + c·plane_stride (CHW).
  void to_planes(const uint8_t* rgb, int64_t pixels, float* dst, int64_t plane_stride) const;

 private:
  float table_[3][256];
};

}  // namespace pgd::data
