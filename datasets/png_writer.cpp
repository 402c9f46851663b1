#include "datasets/png_writer.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

#include "datasets/dataset.h"

namespace pgd::data {
namespace {

void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

// length, type, data, CRC-32 over type + data (PNG spec §5.3).
void put_chunk(std::vector<uint8_t>& out, const char type[4], const uint8_t* data, size_t n) {
  if (n > 0x7fffffffu) throw std::invalid_argument("PNG chunk larger than 2^31-1 bytes");
  put_be32(out, static_cast<uint32_t>(n));
  size_t type_at = out.size();
  out.insert(out.end(), type, type + 4);
  if (n) out.insert(out.end(), data, data + n);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, out.data() + type_at, static_cast<uInt>(4 + n));
  put_be32(out, static_cast<uint32_t>(crc));
}

}  // namespace

std::vector<uint8_t> encode_png(const uint8_t* pixels, int64_t width, int64_t height,
                                int channels) {
  if (width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff)
    throw std::invalid_argument("PNG: width and height must be in [1, 2^31-1], got " +
                                std::to_string(width) + "x" + std::to_string(height));
  if (channels != 1 && channels != 3)
    throw std::invalid_argument("PNG: channels must be 1 (gray) or 3 (RGB), got " +
                                std::to_string(channels));
  const size_t row = static_cast<size_t>(width) * static_cast<size_t>(channels);
  // Each scanline is prefixed by its filter type; 0 = None keeps the encoder trivial and the
  // mostly-black UltraMNIST canvases still deflate well.
  std::vector<uint8_t> raw((row + 1) * static_cast<size_t>(height));
  for (int64_t y = 0; y < height; ++y) {
    uint8_t* dst = raw.data() + static_cast<size_t>(y) * (row + 1);
    dst[0] = 0;
    std::memcpy(dst + 1, pixels + static_cast<size_t>(y) * row, row);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<uint8_t> packed(packed_size);
  int rc = compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(raw.size()), 6);
  if (rc != Z_OK)
    throw std::runtime_error("PNG: zlib compress2 failed with code " + std::to_string(rc));
  packed.resize(packed_size);

  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<uint8_t> ihdr;
  put_be32(ihdr, static_cast<uint32_t>(width));
  put_be32(ihdr, static_cast<uint32_t>(height));
  ihdr.push_back(8);                      // bit depth
  ihdr.push_back(channels == 1 ? 0 : 2);  // colour type: gray or truecolour
  ihdr.push_back(0);                      // compression: deflate
  ihdr.push_back(0);                      // filter method 0
  ihdr.push_back(0);                      // no interlace
  put_chunk(png, "IHDR", ihdr.data(), ihdr.size());
  put_chunk(png, "IDAT", packed.data(), packed.size());
  put_chunk(png, "IEND", nullptr, 0);
  return png;
}

void write_png(const std::filesystem::path& file, const uint8_t* pixels, int64_t width,
               int64_t height, int channels) {
  std::vector<uint8_t> png = encode_png(pixels, width, height, channels);
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw DataError("PNG '" + file.string() + "': cannot open for writing");
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    if (!out) throw DataError("PNG '" + file.string() + "': write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw DataError("PNG '" + file.string() + "': cannot move the finished file into place");
  }
}

}  // namespace pgd::data
