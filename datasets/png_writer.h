#pragma once
// A minimal PNG encoder (zlib deflate + crc32): 8-bit grayscale or RGB, no interlace, filter 0.
// Enough to look at generated images; not a general image library.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace pgd::data {

// pixels: height×width×channels uint8, row-major; channels 1 (gray) or 3 (RGB).
// Throws std::invalid_argument for a bad size or channel count.
std::vector<uint8_t> encode_png(const uint8_t* pixels, int64_t width, int64_t height, int channels);

// encode_png to a file (written whole or not at all: temporary name, then rename).
// Throws DataError naming the file when it cannot be written.
void write_png(const std::filesystem::path& file, const uint8_t* pixels, int64_t width,
               int64_t height, int channels);

}  // namespace pgd::data
