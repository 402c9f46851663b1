#pragma once
// A generic tiled TIFF's lossless levels read tile by tile through libtiff, for the windows
// OpenSlide would return pixel for pixel anyway.
//
// Why: bookworm's OpenSlide 3.4.1 reads a non-JPEG tile through libtiff's TIFFRGBAImage and then
// composites every tile into the caller's buffer with cairo's SATURATE operator, which pixman
// has no fast path for. Profiling the streamed 4096² step (BM_StreamOverhead) put 71 % of the
// reader thread's samples in pixman and 3 % in libtiff and libdeflate, and on two cores every
// one of those cycles is taken from the model. Decoding the tile and copying its rows gives the
// same bytes: deflate, LZW and the other lossless codecs have one decoding, opaque RGB survives
// the compositing unchanged, and pixels beyond the level's edge come back white as read_rgb
// turns OpenSlide's transparent ones. JPEG levels stay with OpenSlide (its own libjpeg decode,
// whose colour conversion this reader would not reproduce bit for bit).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "datasets/panda_slide.h"

struct tiff;  // libtiff's TIFF, kept out of this header

namespace pgd::data {

class LosslessTileReader {
 public:
  // The reader for `path` when OpenSlide opened it as a generic tiled TIFF and the tiled
  // directories, ordered as OpenSlide orders them (widest first), have exactly the sizes of
  // `levels`; otherwise null and every read stays with OpenSlide. Levels that are not 8-bit RGB
  // in one plane, top-left oriented, losslessly compressed, are not read here (reads_level).
  static std::unique_ptr<LosslessTileReader> open(const std::filesystem::path& path,
                                                  const std::vector<SlideLevel>& levels);
  ~LosslessTileReader();
  LosslessTileReader(const LosslessTileReader&) = delete;
  LosslessTileReader& operator=(const LosslessTileReader&) = delete;

  // Whether read_rgb serves `level` (it is one of the levels open() saw and its pixels are
  // stored losslessly as plain RGB).
  bool reads_level(int32_t level) const;

  // The width×height window of `level` at (x, y), in the level's own pixels, as
  // height×width×3 RGB; pixels outside the level are white. DataError naming the slide when a
  // tile cannot be decoded (a truncated or corrupt file).
  void read_rgb(int32_t level, int64_t x, int64_t y, int64_t width, int64_t height,
                uint8_t* rgb) const;

 private:
  struct Level {
    uint32_t directory = 0;
    int64_t width = 0, height = 0, tile_w = 0, tile_h = 0;
    bool lossless_rgb = false;
  };
  LosslessTileReader(std::filesystem::path path, tiff* tif, std::vector<Level> levels,
                     std::unique_ptr<std::string> messages);
  // The decoded tile at (column, row) of `lv` in tile_ (the last one decoded is kept).
  const uint8_t* tile(int32_t level, const Level& lv, int64_t column, int64_t row) const;

  std::filesystem::path path_;
  tiff* tif_ = nullptr;
  std::vector<Level> levels_;
  std::unique_ptr<std::string> messages_;  // libtiff's errors for this file (stable address)
  mutable std::vector<uint8_t> tile_;
  mutable int32_t tile_level_ = -1;
  mutable int64_t tile_index_ = -1;
};

}  // namespace pgd::data
