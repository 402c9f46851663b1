#pragma once
// Small slides and CSVs that the PANDA tests write for themselves. Its own namespace: the other
// datasets tests link into the same binary with their own helpers, and two different inline
// TempDir classes of one name would silently share one definition.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pgd::data::panda_testing {

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("pgd_panda_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
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

struct Rgb {
  uint8_t r, g, b;
};

// H×W×3 filled with `bg`, with `block` over rows [0, block_h) and columns [0, block_w):
// a recognisable top-left corner.
inline std::vector<uint8_t> corner_image(int64_t h, int64_t w, Rgb bg, Rgb block, int64_t block_h,
                                         int64_t block_w) {
  std::vector<uint8_t> rgb(static_cast<size_t>(h * w * 3));
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      const Rgb c = (y < block_h && x < block_w) ? block : bg;
      uint8_t* p = &rgb[(y * w + x) * 3];
      p[0] = c.r;
      p[1] = c.g;
      p[2] = c.b;
    }
  return rgb;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline Rgb pixel(const std::vector<uint8_t>& rgb, int64_t width, int64_t y, int64_t x) {
  const uint8_t* p = &rgb[(y * width + x) * 3];
  return {p[0], p[1], p[2]};
}

}  // namespace pgd::data::panda_testing
