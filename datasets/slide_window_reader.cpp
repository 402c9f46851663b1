#include "datasets/slide_window_reader.h"

#include <algorithm>
#include <vector>

#include <torch/torch.h>

#include "datasets/openslide_file.h"

namespace pgd::data {

torch::Tensor read_slide_window(const SlideWindow& window, int64_t side,
                                const RgbNormalizer& normalizer, int64_t strip_bytes) {
  if (side < 1) throw std::invalid_argument("read_slide_window: side must be positive");
  auto out = torch::empty({3, side, side}, torch::kFloat32);
  const OpenSlideFile slide(window.slide);
  const SlideLevel lv = slide.level(window.level);
  const int64_t rows = std::max<int64_t>(1, strip_bytes / (side * 3));
  std::vector<uint8_t> rgb;
  float* planes = out.data_ptr<float>();
  for (int64_t y = 0; y < side; y += rows) {
    const int64_t n = std::min(rows, side - y);
    rgb.resize(static_cast<size_t>(n * side * 3));
    slide.read_rgb(window.level, lv, 0, y, side, n, rgb.data());
    normalizer.to_planes(rgb.data(), n * side, planes + y * side, side * side);
  }
  return out;
}

}  // namespace pgd::data
