// png_colours FILE.png: prints "W×H colours=N dominant=F" (distinct pixel values and the share
// of the commonest), so the browser test can tell a blank screenshot (one colour) from a page.
// Decodes 8-bit non-interlaced PNG (grey, RGB, palette, grey+alpha, RGBA) with zlib alone:
// the project has a PNG writer but no reader, and this test needs no image library.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

struct Image {
  uint32_t width = 0, height = 0;
  int channels = 0;           // bytes per pixel
  std::vector<uint8_t> rows;  // filtered scanlines as stored (filter byte + pixels)
};

int channels_of(int colour_type) {
  switch (colour_type) {
    case 0:
    case 3:
      return 1;
    case 4:
      return 2;
    case 2:
      return 3;
    case 6:
      return 4;
  }
  throw std::runtime_error("unknown PNG colour type " + std::to_string(colour_type));
}

Image read_png(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  static const uint8_t signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (bytes.size() < 8 || !std::equal(signature, signature + 8, bytes.begin()))
    throw std::runtime_error(file + ": not a PNG file");
  Image img;
  std::vector<uint8_t> idat;
  for (std::size_t at = 8; at + 12 <= bytes.size();) {
    const uint32_t len = be32(&bytes[at]);
    const std::string type(bytes.begin() + at + 4, bytes.begin() + at + 8);
    if (at + 12 + len > bytes.size()) throw std::runtime_error(file + ": truncated chunk " + type);
    const uint8_t* data = &bytes[at + 8];
    if (type == "IHDR") {
      img.width = be32(data);
      img.height = be32(data + 4);
      if (data[8] != 8 || data[12] != 0)
        throw std::runtime_error(file + ": only 8-bit, non-interlaced PNG is read here");
      img.channels = channels_of(data[9]);
    } else if (type == "IDAT") {
      idat.insert(idat.end(), data, data + len);
    }
    at += 12 + len;
  }
  if (!img.width || !img.height) throw std::runtime_error(file + ": no IHDR");
  uLongf size = uLongf(img.height) * (1 + uLongf(img.width) * img.channels);
  img.rows.resize(size);
  if (uncompress(img.rows.data(), &size, idat.data(), idat.size()) != Z_OK ||
      size != img.rows.size())
    throw std::runtime_error(file + ": image data does not inflate to its size");
  return img;
}

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// Undoes the per-row filters (PNG spec §9) into plain pixels.
std::vector<uint8_t> unfilter(const Image& img) {
  const std::size_t stride = std::size_t(img.width) * img.channels, bpp = img.channels;
  std::vector<uint8_t> out(stride * img.height);
  for (uint32_t y = 0; y < img.height; ++y) {
    const uint8_t filter = img.rows[y * (stride + 1)];
    const uint8_t* src = &img.rows[y * (stride + 1) + 1];
    uint8_t* row = &out[y * stride];
    const uint8_t* up = y ? &out[(y - 1) * stride] : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? row[i - bpp] : 0, b = up ? up[i] : 0;
      const int c = up && i >= bpp ? up[i - bpp] : 0;
      int pred = 0;
      switch (filter) {
        case 0:
          pred = 0;
          break;
        case 1:
          pred = a;
          break;
        case 2:
          pred = b;
          break;
        case 3:
          pred = (a + b) / 2;
          break;
        case 4:
          pred = paeth(a, b, c);
          break;
        default:
          throw std::runtime_error("bad PNG filter type " + std::to_string(filter));
      }
      row[i] = uint8_t(src[i] + pred);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: png_colours FILE.png\n";
    return 2;
  }
  try {
    const Image img = read_png(argv[1]);
    const std::vector<uint8_t> pixels = unfilter(img);
    std::unordered_map<uint32_t, uint64_t> counts;
    for (std::size_t i = 0; i < pixels.size(); i += img.channels) {
      uint32_t v = 0;
      for (int c = 0; c < img.channels; ++c) v = (v << 8) | pixels[i + c];
      ++counts[v];
    }
    uint64_t most = 0;
    for (const auto& kv : counts) most = std::max(most, kv.second);
    const double total = double(img.width) * img.height;
    std::printf("%ux%u colours=%zu dominant=%.4f\n", img.width, img.height, counts.size(),
                most / total);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "png_colours: " << e.what() << "\n";
    return 1;
  }
}
