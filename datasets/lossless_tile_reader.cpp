#include "datasets/lossless_tile_reader.h"

#include <tiffio.h>

#include <algorithm>
#include <cstring>

#include "datasets/dataset.h"
#include "datasets/openslide_file.h"  // fail_slide
#include "datasets/tiff_open.h"

namespace pgd::data {
namespace {

// Codecs with one exact decoding. JPEG (new and old style) is left to OpenSlide.
bool lossless(uint16_t compression) {
  switch (compression) {
    case COMPRESSION_NONE:
    case COMPRESSION_LZW:
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
    case COMPRESSION_PACKBITS:
    case COMPRESSION_ZSTD:
    case COMPRESSION_LZMA:
      return TIFFIsCODECConfigured(compression) != 0;
    default:
      return false;
  }
}

uint16_t field16(TIFF* tif, uint32_t tag) {
  uint16_t v = 0;
  TIFFGetFieldDefaulted(tif, tag, &v);
  return v;
}

// Whether OpenSlide's generic-tiff backend takes the current directory as a level: tiled, and
// the first directory or a reduced-resolution one.
bool openslide_level(TIFF* tif) {
  if (!TIFFIsTiled(tif)) return false;
  if (TIFFCurrentDirectory(tif) == 0) return true;
  uint32_t subfiletype = 0;
  return TIFFGetField(tif, TIFFTAG_SUBFILETYPE, &subfiletype) &&
         (subfiletype & FILETYPE_REDUCEDIMAGE);
}

}  // namespace

std::unique_ptr<LosslessTileReader> LosslessTileReader::open(
    const std::filesystem::path& path, const std::vector<SlideLevel>& levels) {
  auto messages = std::make_unique<std::string>();
  TIFF* tif = open_tiff_collecting_errors(path, "r", messages.get());
  if (!tif) return nullptr;  // OpenSlide opened it; let OpenSlide read it

  std::vector<Level> found;
  do {
    if (!openslide_level(tif)) continue;
    Level lv;
    lv.directory = static_cast<uint32_t>(TIFFCurrentDirectory(tif));
    uint32_t w = 0, h = 0, tw = 0, th = 0;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
    lv.width = w, lv.height = h, lv.tile_w = tw, lv.tile_h = th;
    lv.lossless_rgb = tw > 0 && th > 0 && field16(tif, TIFFTAG_BITSPERSAMPLE) == 8 &&
                      field16(tif, TIFFTAG_SAMPLESPERPIXEL) == 3 &&
                      field16(tif, TIFFTAG_PLANARCONFIG) == PLANARCONFIG_CONTIG &&
                      field16(tif, TIFFTAG_PHOTOMETRIC) == PHOTOMETRIC_RGB &&
                      field16(tif, TIFFTAG_ORIENTATION) == ORIENTATION_TOPLEFT &&
                      lossless(field16(tif, TIFFTAG_COMPRESSION)) &&
                      TIFFTileSize64(tif) == static_cast<uint64_t>(tw) * th * 3;
    found.push_back(lv);
  } while (TIFFReadDirectory(tif));

  // OpenSlide orders its levels widest first. Any doubt about which directory is which level
  // (equal widths, a size that differs) leaves the file to OpenSlide.
  std::sort(found.begin(), found.end(),
            [](const Level& a, const Level& b) { return a.width > b.width; });
  bool same = found.size() == levels.size();
  for (size_t i = 0; same && i < found.size(); ++i)
    same = found[i].width == levels[i].width && found[i].height == levels[i].height &&
           (i == 0 || found[i].width < found[i - 1].width);
  if (!same) {
    TIFFClose(tif);
    return nullptr;
  }
  return std::unique_ptr<LosslessTileReader>(
      new LosslessTileReader(path, tif, std::move(found), std::move(messages)));
}

LosslessTileReader::LosslessTileReader(std::filesystem::path path, TIFF* tif,
                                       std::vector<Level> levels,
                                       std::unique_ptr<std::string> messages)
    : path_(std::move(path)),
      tif_(tif),
      levels_(std::move(levels)),
      messages_(std::move(messages)) {}

LosslessTileReader::~LosslessTileReader() {
  if (tif_) TIFFClose(tif_);
}

bool LosslessTileReader::reads_level(int32_t level) const {
  return level >= 0 && level < static_cast<int32_t>(levels_.size()) &&
         levels_[static_cast<size_t>(level)].lossless_rgb;
}

const uint8_t* LosslessTileReader::tile(int32_t level, const Level& lv, int64_t column,
                                        int64_t row) const {
  const int64_t across = (lv.width + lv.tile_w - 1) / lv.tile_w;
  const int64_t index = row * across + column;
  if (level == tile_level_ && index == tile_index_) return tile_.data();
  tile_level_ = -1;  // until this decode succeeds
  messages_->clear();
  if (TIFFCurrentDirectory(tif_) != lv.directory && !TIFFSetDirectory(tif_, lv.directory))
    fail_slide(path_, "cannot select the TIFF directory of level " + std::to_string(level) + " (" +
                          *messages_ + ")");
  tile_.resize(static_cast<size_t>(lv.tile_w * lv.tile_h * 3));
  const uint32_t t = TIFFComputeTile(tif_, static_cast<uint32_t>(column * lv.tile_w),
                                     static_cast<uint32_t>(row * lv.tile_h), 0, 0);
  const tmsize_t got =
      TIFFReadEncodedTile(tif_, t, tile_.data(), static_cast<tmsize_t>(tile_.size()));
  if (got < 0 || !messages_->empty())
    fail_slide(path_, "cannot decode tile (" + std::to_string(column) + ", " + std::to_string(row) +
                          ") of level " + std::to_string(level) +
                          (messages_->empty() ? "" : " (" + *messages_ + ")"));
  tile_level_ = level;
  tile_index_ = index;
  return tile_.data();
}

void LosslessTileReader::read_rgb(int32_t level, int64_t x, int64_t y, int64_t width,
                                  int64_t height, uint8_t* rgb) const {
  const Level& lv = levels_.at(static_cast<size_t>(level));
  // White beyond the level; a window inside it is written whole by the tiles below.
  if (x < 0 || y < 0 || x + width > lv.width || y + height > lv.height)
    std::memset(rgb, 255, static_cast<size_t>(width * height * 3));
  const int64_t x0 = std::max<int64_t>(x, 0), x1 = std::min(x + width, lv.width);
  const int64_t y0 = std::max<int64_t>(y, 0), y1 = std::min(y + height, lv.height);
  if (x0 >= x1 || y0 >= y1) return;
  for (int64_t row = y0 / lv.tile_h; row * lv.tile_h < y1; ++row) {
    const int64_t ty = row * lv.tile_h;
    const int64_t r0 = std::max(y0, ty), r1 = std::min(y1, ty + lv.tile_h);
    for (int64_t column = x0 / lv.tile_w; column * lv.tile_w < x1; ++column) {
      const int64_t tx = column * lv.tile_w;
      const int64_t c0 = std::max(x0, tx), c1 = std::min(x1, tx + lv.tile_w);
      const uint8_t* src = tile(level, lv, column, row);
      for (int64_t r = r0; r < r1; ++r)
        std::memcpy(rgb + ((r - y) * width + (c0 - x)) * 3,
                    src + ((r - ty) * lv.tile_w + (c0 - tx)) * 3,
                    static_cast<size_t>((c1 - c0) * 3));
    }
  }
}

}  // namespace pgd::data
