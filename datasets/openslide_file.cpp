#include "datasets/openslide_file.h"

#include <openslide.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <system_error>

#include "datasets/dataset.h"
#include "datasets/lossless_tile_reader.h"

namespace pgd::data {

void fail_slide(const std::filesystem::path& slide, const std::string& what) {
  throw DataError("PANDA slide " + slide.string() + ": " + what);
}

OpenSlideFile::OpenSlideFile(const std::filesystem::path& path, LosslessTiles tiles) : path_(path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail_slide(path, "missing (no such file)");
  osr_ = openslide_open(path.c_str());
  if (!osr_) fail_slide(path, "not a slide OpenSlide can read (unrecognised or corrupt TIFF)");
  check("cannot open");
  // Other vendors' TIFFs (Aperio, Philips, ...) map directories to levels their own way.
  const char* vendor = openslide_get_property_value(osr_, OPENSLIDE_PROPERTY_NAME_VENDOR);
  if (tiles == LosslessTiles::Direct && vendor && std::string(vendor) == "generic-tiff") {
    try {
      direct_ = LosslessTileReader::open(path, levels());
    } catch (...) {
      openslide_close(osr_);  // the destructor does not run for a throwing constructor
      throw;
    }
  }
}

OpenSlideFile::~OpenSlideFile() {
  direct_.reset();
  if (osr_) openslide_close(osr_);
}

void OpenSlideFile::check(const std::string& doing) const {
  if (const char* err = openslide_get_error(osr_)) fail_slide(path_, doing + ": " + err);
}

std::vector<SlideLevel> OpenSlideFile::levels() const {
  const int32_t n = openslide_get_level_count(osr_);
  check("reading the level count");
  if (n < 1) fail_slide(path_, "has no pyramid levels");
  std::vector<SlideLevel> out(static_cast<size_t>(n));
  for (int32_t l = 0; l < n; ++l) {
    openslide_get_level_dimensions(osr_, l, &out[l].width, &out[l].height);
    out[l].downsample = openslide_get_level_downsample(osr_, l);
    check("reading level " + std::to_string(l));
    if (out[l].width < 1 || out[l].height < 1)
      fail_slide(path_, "level " + std::to_string(l) + " has an empty size");
  }
  return out;
}

SlideLevel OpenSlideFile::level(int32_t level) const {
  const auto all = levels();
  const auto n = static_cast<int32_t>(all.size());
  if (level < 0 || level >= n)
    fail_slide(path_, "has no level " + std::to_string(level) + " (it has " + std::to_string(n) +
                          " levels, 0.." + std::to_string(n - 1) + ")");
  return all[static_cast<size_t>(level)];
}

// Rows per read_region call: about strip_bytes, a whole number of tiles when OpenSlide tells
// the tile height, so no tile row is decoded twice.
//
// read_region takes level-0 coordinates and divides them by the level's downsample; when that
// is not an integer (OpenSlide averages the width and height ratios, so odd level sizes give
// e.g. 1.985), a strip's first row lands between level rows and cairo interpolates the whole
// strip by that fraction. Such levels are read in one call (exact from y = 0), up to
// kWholeLevelBytes; only a larger one falls back to strips with sub-pixel seams.
int64_t OpenSlideFile::strip_rows(int32_t level, const SlideLevel& lv, int64_t strip_bytes) const {
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

void OpenSlideFile::read_rgb(int32_t level, const SlideLevel& lv, int64_t x, int64_t y,
                             int64_t width, int64_t height, uint8_t* rgb) const {
  if (direct_ && direct_->reads_level(level) && lv.downsample == std::floor(lv.downsample))
    return direct_->read_rgb(level, x, y, width, height, rgb);
  argb_.resize(static_cast<size_t>(width * height));
  // Level-0 coordinates: exact for an integer downsample (see strip_rows for the others).
  const int64_t x0 = std::llround(static_cast<double>(x) * lv.downsample);
  const int64_t y0 = std::llround(static_cast<double>(y) * lv.downsample);
  openslide_read_region(osr_, argb_.data(), x0, y0, level, width, height);
  check("reading the " + std::to_string(width) + "x" + std::to_string(height) + " window at (" +
        std::to_string(x) + ", " + std::to_string(y) + ") of level " + std::to_string(level));
  // Premultiplied ARGB composited over white: c + (255 - a), exact in 8 bits since c <= a.
  for (size_t k = 0; k < argb_.size(); ++k) {
    const uint32_t p = argb_[k];
    const uint32_t fill = 255 - (p >> 24);
    rgb[k * 3 + 0] = static_cast<uint8_t>(((p >> 16) & 255) + fill);
    rgb[k * 3 + 1] = static_cast<uint8_t>(((p >> 8) & 255) + fill);
    rgb[k * 3 + 2] = static_cast<uint8_t>((p & 255) + fill);
  }
}

}  // namespace pgd::data
