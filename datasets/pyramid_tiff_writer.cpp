#include "datasets/pyramid_tiff_writer.h"

#include <tiffio.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "datasets/dataset.h"
#include "datasets/tiff_open.h"

namespace pgd::data {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what,
                       const std::string& messages) {
  std::string msg = "write_pyramid_tiff: " + path.string() + ": " + what;
  if (!messages.empty()) msg += " (" + messages + ")";
  throw DataError(msg);
}

// A tile side for a level side: `tile`, or the largest multiple of 16 that fits in the level.
// OpenSlide 3.4 decodes non-JPEG tiles with libtiff's TIFFRGBAImageGet, which in libtiff 4.5.0
// shrinks its raster to the image when a tile is wider or taller than the whole level and then
// returns scrambled pixels; a tile that fits avoids that. Sides under 16 cannot be helped.
int64_t tile_side(int64_t tile, int64_t level_side) {
  return std::min<int64_t>(tile, std::max<int64_t>(16, level_side / 16 * 16));
}

// One tiled directory holding one level, its pixels from `fill`.
void write_level(TIFF* tif, const std::filesystem::path& path, const std::string& messages,
                 const TileFiller& fill, int64_t height, int64_t width, int level, int tile,
                 Compression compression) {
  const auto w32 = static_cast<uint32_t>(width);
  const auto h32 = static_cast<uint32_t>(height);
  const int64_t tile_w = tile_side(tile, width), tile_h = tile_side(tile, height);
  bool ok = TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, w32) &&
            TIFFSetField(tif, TIFFTAG_IMAGELENGTH, h32) &&
            TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8) &&
            TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3) &&
            TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
            TIFFSetField(tif, TIFFTAG_TILEWIDTH, static_cast<uint32_t>(tile_w)) &&
            TIFFSetField(tif, TIFFTAG_TILELENGTH, static_cast<uint32_t>(tile_h));
  if (level > 0) ok = ok && TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);
  if (compression == Compression::Jpeg) {
    // YCbCr with libtiff doing the RGB conversion: the layout scanners write and OpenSlide reads.
    ok = ok && TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG) &&
         TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR) &&
         TIFFSetField(tif, TIFFTAG_YCBCRSUBSAMPLING, 2, 2) &&
         TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 90) &&
         TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  } else {
    ok = ok && TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE) &&
         TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB) &&
         TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
  }
  if (!ok) fail(path, "setting the tags of level " + std::to_string(level), messages);

  // Edge tiles are filled by repeating the last row/column: OpenSlide clips them to the image,
  // and for JPEG a flat continuation avoids ringing into the visible pixels.
  std::vector<uint8_t> buf(static_cast<size_t>(tile_w * tile_h * 3));
  const int64_t stride = tile_w * 3;
  for (int64_t ty = 0; ty < height; ty += tile_h) {
    for (int64_t tx = 0; tx < width; tx += tile_w) {
      const int64_t vh = std::min(tile_h, height - ty), vw = std::min(tile_w, width - tx);
      fill(level, ty, tx, vh, vw, buf.data(), stride);
      for (int64_t y = 0; y < vh; ++y) {
        uint8_t* row = buf.data() + y * stride;
        for (int64_t x = vw; x < tile_w; ++x) std::copy_n(row + (vw - 1) * 3, 3, row + x * 3);
      }
      for (int64_t y = vh; y < tile_h; ++y)
        std::copy_n(buf.data() + (vh - 1) * stride, stride, buf.data() + y * stride);
      if (TIFFWriteTile(tif, buf.data(), static_cast<uint32_t>(tx), static_cast<uint32_t>(ty), 0,
                        0) < 0)
        fail(path, "writing a tile of level " + std::to_string(level), messages);
    }
  }
  if (!TIFFWriteDirectory(tif)) fail(path, "finishing level " + std::to_string(level), messages);
}

}  // namespace

std::vector<uint8_t> halve_rgb(const std::vector<uint8_t>& rgb, int64_t height, int64_t width) {
  const int64_t oh = (height + 1) / 2, ow = (width + 1) / 2;
  std::vector<uint8_t> out(static_cast<size_t>(oh * ow * 3));
  for (int64_t y = 0; y < oh; ++y) {
    const int64_t y0 = 2 * y, y1 = std::min(2 * y + 1, height - 1);
    for (int64_t x = 0; x < ow; ++x) {
      const int64_t x0 = 2 * x, x1 = std::min(2 * x + 1, width - 1);
      // At an odd edge the "pair" is one pixel counted twice, so the mean is that pixel.
      for (int c = 0; c < 3; ++c) {
        const int sum = rgb[(y0 * width + x0) * 3 + c] + rgb[(y0 * width + x1) * 3 + c] +
                        rgb[(y1 * width + x0) * 3 + c] + rgb[(y1 * width + x1) * 3 + c];
        out[(y * ow + x) * 3 + c] = static_cast<uint8_t>((sum + 2) / 4);
      }
    }
  }
  return out;
}

void write_pyramid_tiff(const std::filesystem::path& path, const std::vector<uint8_t>& rgb,
                        int64_t height, int64_t width, int levels, int tile,
                        Compression compression) {
  if (height <= 0 || width <= 0 || height > UINT32_MAX || width > UINT32_MAX)
    throw std::invalid_argument("write_pyramid_tiff: bad size " + std::to_string(height) + "x" +
                                std::to_string(width));
  if (static_cast<int64_t>(rgb.size()) != height * width * 3)
    throw std::invalid_argument("write_pyramid_tiff: rgb holds " + std::to_string(rgb.size()) +
                                " bytes, expected H*W*3 = " + std::to_string(height * width * 3));
  // Levels are halved in memory one at a time as the writer reaches them (it asks level by
  // level, in order): level 0 is read from `rgb`, level k from the halving of level k-1.
  std::vector<uint8_t> level_rgb;
  int current = 0;
  int64_t h = height, w = width;
  const TileFiller fill = [&](int level, int64_t y, int64_t x, int64_t th, int64_t tw,
                              uint8_t* out, int64_t stride) {
    while (current < level) {
      level_rgb = halve_rgb(current == 0 ? rgb : level_rgb, h, w);
      h = (h + 1) / 2;
      w = (w + 1) / 2;
      ++current;
    }
    const std::vector<uint8_t>& src = level == 0 ? rgb : level_rgb;
    for (int64_t r = 0; r < th; ++r)
      std::copy_n(src.data() + ((y + r) * w + x) * 3, tw * 3, out + r * stride);
  };
  write_pyramid_tiff_tiles(path, height, width, levels, fill, tile, compression);
}

void write_pyramid_tiff_tiles(const std::filesystem::path& path, int64_t height, int64_t width,
                              int levels, const TileFiller& fill, int tile,
                              Compression compression) {
  if (height <= 0 || width <= 0 || height > UINT32_MAX || width > UINT32_MAX)
    throw std::invalid_argument("write_pyramid_tiff: bad size " + std::to_string(height) + "x" +
                                std::to_string(width));
  if (levels < 1) throw std::invalid_argument("write_pyramid_tiff: levels must be >= 1");
  if (tile < 16 || tile % 16 != 0)
    throw std::invalid_argument("write_pyramid_tiff: tile " + std::to_string(tile) +
                                " is not a positive multiple of 16");

  // Uncompressed size of all levels (< 4/3 of level 0) decides classic vs BigTIFF: classic
  // offsets are 32-bit, and deflate may not shrink noise-like content.
  const double raw_bytes = static_cast<double>(height) * width * 3 * 4.0 / 3.0;
  const char* mode = raw_bytes > 1.8e9 ? "w8" : "w";

  std::string messages;  // libtiff's errors, for the exception
  TIFF* tif = open_tiff_collecting_errors(path, mode, &messages);
  if (!tif) fail(path, "cannot create the file", messages);

  try {
    int64_t h = height, w = width;
    for (int level = 0; level < levels; ++level) {
      write_level(tif, path, messages, fill, h, w, level, tile, compression);
      h = (h + 1) / 2;
      w = (w + 1) / 2;
    }
  } catch (...) {
    TIFFClose(tif);
    throw;
  }
  TIFFClose(tif);
  if (!messages.empty()) fail(path, "libtiff reported errors", messages);
}

}  // namespace pgd::data
