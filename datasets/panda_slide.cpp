#include "datasets/panda_slide.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <system_error>

#include "datasets/dataset.h"
#include "datasets/openslide_file.h"
#include "datasets/panda_resize.h"

namespace pgd::data {

std::vector<SlideLevel> read_slide_levels(const std::filesystem::path& slide) {
  return OpenSlideFile(slide).levels();
}

int32_t choose_panda_level(const std::vector<SlideLevel>& levels, const PandaLevelRule& rule,
                           int64_t image_size, const std::filesystem::path& slide) {
  const auto n = static_cast<int32_t>(levels.size());
  if (n == 0) fail_slide(slide, "has no pyramid levels");
  if (!rule.automatic) {
    if (rule.level < 0 || rule.level >= n)
      fail_slide(slide, "dataset.level " + std::to_string(rule.level) + " requested, but the slide has " +
                      std::to_string(n) + " levels (0.." + std::to_string(n - 1) + ")");
    return static_cast<int32_t>(rule.level);
  }
  const int64_t need = std::max(image_size, rule.min_level_side);
  for (int32_t l = n - 1; l >= 0; --l)
    if (std::min(levels[l].width, levels[l].height) >= need) return l;
  return 0;
}

int32_t choose_stream_level(const std::vector<SlideLevel>& levels, const PandaLevelRule& rule,
                            int64_t image_size, const std::filesystem::path& slide) {
  const auto n = static_cast<int32_t>(levels.size());
  if (n == 0) fail_slide(slide, "has no pyramid levels");
  if (!rule.automatic) return choose_panda_level(levels, rule, image_size, slide);
  for (int32_t l = 0; l < n; ++l)
    if (levels[l].width <= image_size && levels[l].height <= image_size) return l;
  fail_slide(slide, "no pyramid level fits in " + std::to_string(image_size) + "×" +
                        std::to_string(image_size) + " to be streamed without resizing (the " +
                        "coarsest, level " + std::to_string(n - 1) + ", is " +
                        std::to_string(levels[n - 1].width) + "×" +
                        std::to_string(levels[n - 1].height) +
                        "); raise dataset.image_size, or set dataset.level to stream that " +
                        "level's top-left " + std::to_string(image_size) + "² window");
}

std::vector<uint8_t> read_slide_level_rgb(const std::filesystem::path& slide, int32_t level,
                                          int64_t* height, int64_t* width, int64_t strip_bytes) {
  OpenSlideFile s(slide);
  const SlideLevel lv = s.level(level);
  std::vector<uint8_t> rgb(static_cast<size_t>(lv.height * lv.width * 3));
  const int64_t step = s.strip_rows(level, lv, strip_bytes);
  for (int64_t y = 0; y < lv.height; y += step) {
    const int64_t rows = std::min(step, lv.height - y);
    s.read_rgb(level, lv, 0, y, lv.width, rows, rgb.data() + y * lv.width * 3);
  }
  *height = lv.height;
  *width = lv.width;
  return rgb;
}

PandaImage preprocess_panda_slide(const std::filesystem::path& slide, const PandaLevelRule& rule,
                                  int64_t image_size, int64_t strip_bytes) {
  if (image_size < 1) fail_slide(slide, "image size must be positive");
  OpenSlideFile s(slide);
  const auto levels = s.levels();
  const int32_t level = choose_panda_level(levels, rule, image_size, slide);
  const SlideLevel& lv = levels[level];
  const ResizedShape shape = keep_aspect_shape(lv.height, lv.width, image_size);

  std::vector<uint8_t> content;
  if (shape.height <= lv.height && shape.width <= lv.width) {
    AreaResizer resizer(lv.height, lv.width, shape.height, shape.width);
    const int64_t step = s.strip_rows(level, lv, strip_bytes);
    std::vector<uint8_t> strip;
    for (int64_t y = 0; y < lv.height; y += step) {
      const int64_t rows = std::min(step, lv.height - y);
      strip.resize(static_cast<size_t>(rows * lv.width * 3));
      s.read_rgb(level, lv, 0, y, lv.width, rows, strip.data());
      resizer.push_rows(strip.data(), rows);
    }
    content = resizer.finish();
  } else {
    // Enlarging: the level is smaller than S×S, so holding it whole costs less than the output.
    std::vector<uint8_t> whole(static_cast<size_t>(lv.height * lv.width * 3));
    s.read_rgb(level, lv, 0, 0, lv.width, lv.height, whole.data());
    content = resize_rgb_bilinear(whole, lv.height, lv.width, shape.height, shape.width);
  }

  PandaImage out;
  out.size = image_size;
  out.level = level;
  out.content_height = shape.height;
  out.content_width = shape.width;
  out.rgb.assign(static_cast<size_t>(image_size * image_size * 3), 255);
  for (int64_t y = 0; y < shape.height; ++y)
    std::copy_n(content.data() + y * shape.width * 3, shape.width * 3,
                out.rgb.data() + y * image_size * 3);
  return out;
}

}  // namespace pgd::data
