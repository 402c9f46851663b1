#pragma once
// One slide opened through OpenSlide: its pyramid levels and RGB reads of any window of a level,
// transparent pixels composited over white. Used by the PANDA preprocessing (whole levels in
// strips) and by the streaming patch source (patch-sized windows, the level never whole).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "datasets/panda_slide.h"

struct _openslide;  // openslide_t, kept out of this header

namespace pgd::data {

class LosslessTileReader;

// How the losslessly compressed levels of a generic tiled TIFF are read: tile by tile through
// libtiff (the default: the same pixels at a fraction of the cost, see lossless_tile_reader.h),
// or through OpenSlide's own compositing, kept to compare the two.
enum class LosslessTiles { Direct, ThroughOpenSlide };

// Owns an OpenSlide handle. One handle per thread: callers that read from several threads open
// their own (OpenSlide's handles are thread-safe, but the scratch buffer here is not).
class OpenSlideFile {
 public:
  // Throws DataError naming the slide when it is missing, unrecognised or unreadable.
  explicit OpenSlideFile(const std::filesystem::path& path,
                         LosslessTiles tiles = LosslessTiles::Direct);
  ~OpenSlideFile();
  OpenSlideFile(const OpenSlideFile&) = delete;
  OpenSlideFile& operator=(const OpenSlideFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::vector<SlideLevel> levels() const;
  // levels()[level], or DataError naming the slide and the levels it has.
  SlideLevel level(int32_t level) const;

  // Rows per strip for reading a whole level in about strip_bytes of ARGB (see the .cpp).
  int64_t strip_rows(int32_t level, const SlideLevel& lv, int64_t strip_bytes) const;

  // The width×height window of `level` whose top-left is (x, y) in that level's pixels, as
  // height×width×3 uint8 RGB into rgb; pixels beyond the level's edges come back white
  // (OpenSlide returns them transparent). Exact for an integer downsample; for a fractional one
  // OpenSlide interpolates a window that does not start at row/column 0 by the fraction.
  // Lossless levels of a generic tiled TIFF with an integer downsample are decoded straight from
  // their tiles (LosslessTiles::Direct), giving the bytes OpenSlide gives.
  void read_rgb(int32_t level, const SlideLevel& lv, int64_t x, int64_t y, int64_t width,
                int64_t height, uint8_t* rgb) const;

 private:
  // OpenSlide latches its first error in the handle; every later call is then a no-op.
  void check(const std::string& doing) const;

  std::filesystem::path path_;
  _openslide* osr_ = nullptr;
  mutable std::vector<uint32_t> argb_;  // scratch for read_rgb
  std::unique_ptr<LosslessTileReader> direct_;  // null: every read through OpenSlide
};

// Throws DataError("PANDA slide <path>: <what>").
[[noreturn]] void fail_slide(const std::filesystem::path& slide, const std::string& what);

}  // namespace pgd::data
