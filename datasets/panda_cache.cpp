#include "datasets/panda_cache.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <fstream>
#include <system_error>

#include "datasets/dataset.h"

namespace pgd::data {
namespace {

constexpr char kMagic[8] = {'P', 'G', 'D', 'P', 'A', 'N', 'D', 'A'};
constexpr uint32_t kVersion = 1;  // bump when the preprocessing changes what a file holds
constexpr size_t kHeaderBytes = 32;

void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

struct Header {
  uint32_t version, size, level, content_height, content_width;
};

std::optional<Header> read_header(std::ifstream& in, int64_t image_size) {
  std::array<uint8_t, kHeaderBytes> h{};
  if (!in.read(reinterpret_cast<char*>(h.data()), kHeaderBytes)) return std::nullopt;
  if (std::memcmp(h.data(), kMagic, sizeof kMagic) != 0) return std::nullopt;
  Header hd{get_u32(&h[8]), get_u32(&h[12]), get_u32(&h[16]), get_u32(&h[20]), get_u32(&h[24])};
  if (hd.version != kVersion || static_cast<int64_t>(hd.size) != image_size) return std::nullopt;
  if (hd.content_height < 1 || hd.content_width < 1 || hd.content_height > hd.size ||
      hd.content_width > hd.size)
    return std::nullopt;
  return hd;
}

uint64_t expected_bytes(int64_t image_size) {
  return kHeaderBytes + static_cast<uint64_t>(image_size) * image_size * 3;
}

}  // namespace

std::filesystem::path panda_cache_path(const std::filesystem::path& cache_dir,
                                       const std::string& image_id, const PandaLevelRule& rule,
                                       int64_t image_size) {
  const std::string level = rule.automatic
                                ? "auto" + std::to_string(std::max(image_size, rule.min_level_side))
                                : std::to_string(rule.level);
  return cache_dir / (image_id + "_L" + level + "_S" + std::to_string(image_size) + ".rgb");
}

bool panda_cache_present(const std::filesystem::path& file, int64_t image_size) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(file, ec);
  if (ec || bytes != expected_bytes(image_size)) return false;
  std::ifstream in(file, std::ios::binary);
  return in && read_header(in, image_size).has_value();
}

std::optional<PandaImage> read_panda_cache(const std::filesystem::path& file, int64_t image_size) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(file, ec);
  if (ec || bytes != expected_bytes(image_size)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  const auto hd = read_header(in, image_size);
  if (!hd) return std::nullopt;
  PandaImage img;
  img.size = image_size;
  img.level = static_cast<int32_t>(hd->level);
  img.content_height = hd->content_height;
  img.content_width = hd->content_width;
  img.rgb.resize(static_cast<size_t>(image_size * image_size * 3));
  if (!in.read(reinterpret_cast<char*>(img.rgb.data()),
               static_cast<std::streamsize>(img.rgb.size())))
    return std::nullopt;
  return img;
}

void write_panda_cache(const std::filesystem::path& file, const PandaImage& image) {
  if (static_cast<int64_t>(image.rgb.size()) != image.size * image.size * 3)
    throw DataError("PANDA cache " + file.string() + ": image buffer does not match its size");
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    throw DataError("PANDA cache " + file.parent_path().string() +
                    ": cannot create: " + ec.message());

  // Unique per process and per call, so concurrent writers of the same entry never share a file.
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path tmp = file;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);

  std::array<uint8_t, kHeaderBytes> h{};
  std::memcpy(h.data(), kMagic, sizeof kMagic);
  put_u32(&h[8], kVersion);
  put_u32(&h[12], static_cast<uint32_t>(image.size));
  put_u32(&h[16], static_cast<uint32_t>(image.level));
  put_u32(&h[20], static_cast<uint32_t>(image.content_height));
  put_u32(&h[24], static_cast<uint32_t>(image.content_width));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(h.data()), kHeaderBytes);
    out.write(reinterpret_cast<const char*>(image.rgb.data()),
              static_cast<std::streamsize>(image.rgb.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      throw DataError("PANDA cache " + file.string() + ": cannot write " + tmp.string());
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignore;
    std::filesystem::remove(tmp, ignore);
    throw DataError("PANDA cache " + file.string() +
                    ": cannot rename the temporary file into place: " + ec.message());
  }
}

}  // namespace pgd::data
