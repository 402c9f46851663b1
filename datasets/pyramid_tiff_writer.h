#pragma once
// Writes a tiled, pyramidal RGB TIFF that OpenSlide's generic-tiff backend opens: the tests and
// the data-pipeline benchmarks make their own small "slides" with it (the real PANDA data is
// ~400 GB and not available here).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

namespace pgd::data {

enum class Compression { Deflate, Jpeg };

// rgb: H×W×3 uint8, row-major (height rows of width RGB pixels).
// Level 0 is the image itself; level k (k < levels) is level k-1 halved in each dimension by 2×2
// box averaging (odd sides round up: ceil(side / 2)). Every level is its own tiled directory;
// levels 1.. carry SUBFILETYPE = FILETYPE_REDUCEDIMAGE, which is how OpenSlide recognises them.
// tile: a multiple of 16 (TIFF's rule for tiles), the tile side where the level is at least that
// large; a narrower or shorter level gets the largest multiple of 16 that fits (OpenSlide 3.4 on
// libtiff 4.5.0 scrambles non-JPEG tiles larger than their level; sides < 16 stay exposed).
// Jpeg: YCbCr 4:2:0 at quality 90 (lossy).
// A file that would exceed ~2 GiB is written as BigTIFF. The file is written in place.
// Throws std::invalid_argument for bad arguments, DataError (naming the path) when libtiff fails.
void write_pyramid_tiff(const std::filesystem::path& path, const std::vector<uint8_t>& rgb,
                        int64_t height, int64_t width, int levels, int tile = 256,
                        Compression compression = Compression::Deflate);

// Writes rows [y, y+h) × columns [x, x+w) of `level` as RGB into out (row r at out + r·stride).
using TileFiller = std::function<void(int level, int64_t y, int64_t x, int64_t h, int64_t w,
                                      uint8_t* out, int64_t stride)>;

// The same file layout with pixels from `fill`, asked one tile at a time, level 0 first and
// each level in row-major tile order; level k is ceil(H/2^k)×ceil(W/2^k) and what it holds is
// up to `fill`. Only one tile is held, so the image can be far larger than memory (the
// gigapixel synthetic slides). Same arguments and errors as write_pyramid_tiff.
void write_pyramid_tiff_tiles(const std::filesystem::path& path, int64_t height, int64_t width,
                              int levels, const TileFiller& fill, int tile = 256,
                              Compression compression = Compression::Deflate);

// The halving used between levels, exposed so tests can predict what each level holds.
// rgb: H×W×3 uint8 → ceil(H/2)×ceil(W/2)×3 uint8 (a 2×2 box mean, rounded; edges average
// the pixels that exist).
std::vector<uint8_t> halve_rgb(const std::vector<uint8_t>& rgb, int64_t height, int64_t width);

}  // namespace pgd::data
