#include "datasets/panda_slide.h"

#include <openslide.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <system_error>

#include "datasets/dataset.h"
#include "datasets/panda_resize.h"

namespace pgd::data {
namespace {

[[noreturn]] void fail(const std::filesystem::path& slide, const std::string& what) {
  throw DataError("PANDA slide " + slide.string() + ": " + what);
}

// An OpenSlide handle owned for the duration of one call: handles are not shared between
// threads, which keeps image() safe to call from loader threads without a lock.
class Slide {
 public:
  explicit Slide(const std::filesystem::path& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail(path, "missing (no such file)");
    osr_ = openslide_open(path.c_str());
    if (!osr_) fail(path, "not a slide OpenSlide can read (unrecognised or corrupt TIFF)");
    check("cannot open");
  }
  ~Slide() {
    if (osr_) openslide_close(osr_);
  }
  Slide(const Slide&) = delete;
  Slide& operator=(const Slide&) = delete;

  // OpenSlide latches its first error in the handle; every later call is then a no-op.
  void check(const std::string& doing) const {
    if (const char* err = openslide_get_error(osr_)) fail(path_, doing + ": " + err);
  }

  std::vector<SlideLevel> levels() const {
    const int32_t n = openslide_get_level_count(osr_);
    check("reading the level count");
    if (n < 1) fail(path_, "has no pyramid levels");
    std::vector<SlideLevel> out(static_cast<size_t>(n));
    for (int32_t l = 0; l < n; ++l) {
      openslide_get_level_dimensions(osr_, l, &out[l].width, &out[l].height);
      out[l].downsample = openslide_get_level_downsample(osr_, l);
      check("reading level " + std::to_string(l));
      if (out[l].width < 1 || out[l].height < 1)
        fail(path_, "level " + std::to_string(l) + " has an empty size");
    }
    return out;
  }

  // Rows per read_region call: about strip_bytes, a whole number of tiles when OpenSlide tells
  // the tile height, so no tile row is decoded twice.
  //
  // read_region takes level-0 coordinates and divides them by the level's downsample; when that
  // is not an integer (OpenSlide averages the width and height ratios, so odd level sizes give
  // e.g. 1.985), a strip's first row lands between level rows and cairo interpolates the whole
  // strip by that fraction. Such levels are read in one call (exact from y = 0), up to
  // kWholeLevelBytes; only a larger one falls back to strips with sub-pixel seams.
  int64_t strip_rows(int32_t level, const SlideLevel& lv, int64_t strip_bytes) const {
    constexpr int64_t kWholeLevelBytes = 1LL << 30;
    const int64_t width = lv.width;
    int64_t rows = std::max<int64_t>(1, strip_bytes / (width * 4));
    if (lv.downsample != std::floor(lv.downsample))
      return std::min(lv.height, std::max(rows, kWholeLevelBytes / (width * 4)));
    const std::string key = "openslide.level[" + std::to_string(level) + "].tile-height";
    if (const char* v = openslide_get_property_value(osr_, key.c_str())) {
      const int64_t tile = std::atoll(v);
      if (tile > 0 && rows > tile) rows -= rows % tile;
    }
    return rows;
  }

  // Rows [y, y+rows) of `level` as RGB on white, into rgb (rows×width×3). argb is scratch.
  void read_rows(int32_t level, const SlideLevel& lv, int64_t y, int64_t rows,
                 std::vector<uint32_t>& argb, uint8_t* rgb) const {
    argb.resize(static_cast<size_t>(rows * lv.width));
    // Level-0 coordinates: exact for an integer downsample (see strip_rows for the others).
    const int64_t y0 = std::llround(static_cast<double>(y) * lv.downsample);
    openslide_read_region(osr_, argb.data(), 0, y0, level, lv.width, rows);
    check("reading rows " + std::to_string(y) + ".." + std::to_string(y + rows - 1) + " of level " +
          std::to_string(level));
    // Premultiplied ARGB composited over white: c + (255 - a), exact in 8 bits since c <= a.
    for (size_t k = 0; k < argb.size(); ++k) {
      const uint32_t p = argb[k];
      const uint32_t fill = 255 - (p >> 24);
      rgb[k * 3 + 0] = static_cast<uint8_t>(((p >> 16) & 255) + fill);
      rgb[k * 3 + 1] = static_cast<uint8_t>(((p >> 8) & 255) + fill);
      rgb[k * 3 + 2] = static_cast<uint8_t>((p & 255) + fill);
    }
  }

 private:
  std::filesystem::path path_;
  openslide_t* osr_ = nullptr;
};

}  // namespace

std::vector<SlideLevel> read_slide_levels(const std::filesystem::path& slide) {
  return Slide(slide).levels();
}

int32_t choose_panda_level(const std::vector<SlideLevel>& levels, const PandaLevelRule& rule,
                           int64_t image_size, const std::filesystem::path& slide) {
  const auto n = static_cast<int32_t>(levels.size());
  if (n == 0) fail(slide, "has no pyramid levels");
  if (!rule.automatic) {
    if (rule.level < 0 || rule.level >= n)
      fail(slide, "dataset.level " + std::to_string(rule.level) + " requested, but the slide has " +
                      std::to_string(n) + " levels (0.." + std::to_string(n - 1) + ")");
    return static_cast<int32_t>(rule.level);
  }
  const int64_t need = std::max(image_size, rule.min_level_side);
  for (int32_t l = n - 1; l >= 0; --l)
    if (std::min(levels[l].width, levels[l].height) >= need) return l;
  return 0;
}

std::vector<uint8_t> read_slide_level_rgb(const std::filesystem::path& slide, int32_t level,
                                          int64_t* height, int64_t* width, int64_t strip_bytes) {
  Slide s(slide);
  const auto levels = s.levels();
  if (level < 0 || level >= static_cast<int32_t>(levels.size()))
    fail(slide, "has no level " + std::to_string(level));
  const SlideLevel& lv = levels[level];
  std::vector<uint8_t> rgb(static_cast<size_t>(lv.height * lv.width * 3));
  std::vector<uint32_t> argb;
  const int64_t step = s.strip_rows(level, lv, strip_bytes);
  for (int64_t y = 0; y < lv.height; y += step) {
    const int64_t rows = std::min(step, lv.height - y);
    s.read_rows(level, lv, y, rows, argb, rgb.data() + y * lv.width * 3);
  }
  *height = lv.height;
  *width = lv.width;
  return rgb;
}

PandaImage preprocess_panda_slide(const std::filesystem::path& slide, const PandaLevelRule& rule,
                                  int64_t image_size, int64_t strip_bytes) {
  if (image_size < 1) fail(slide, "image size must be positive");
  Slide s(slide);
  const auto levels = s.levels();
  const int32_t level = choose_panda_level(levels, rule, image_size, slide);
  const SlideLevel& lv = levels[level];
  const ResizedShape shape = keep_aspect_shape(lv.height, lv.width, image_size);

  std::vector<uint8_t> content;
  if (shape.height <= lv.height && shape.width <= lv.width) {
    AreaResizer resizer(lv.height, lv.width, shape.height, shape.width);
    const int64_t step = s.strip_rows(level, lv, strip_bytes);
    std::vector<uint32_t> argb;
    std::vector<uint8_t> strip;
    for (int64_t y = 0; y < lv.height; y += step) {
      const int64_t rows = std::min(step, lv.height - y);
      strip.resize(static_cast<size_t>(rows * lv.width * 3));
      s.read_rows(level, lv, y, rows, argb, strip.data());
      resizer.push_rows(strip.data(), rows);
    }
    content = resizer.finish();
  } else {
    // Enlarging: the level is smaller than S×S, so holding it whole costs less than the output.
    std::vector<uint8_t> whole(static_cast<size_t>(lv.height * lv.width * 3));
    std::vector<uint32_t> argb;
    s.read_rows(level, lv, 0, lv.height, argb, whole.data());
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
