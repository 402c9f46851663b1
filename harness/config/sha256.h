#pragma once
// SHA-256 (FIPS 180-4), so a run's identity does not depend on a crypto library being present.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pgd::config {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Pads and returns the digest; the object must not be updated afterwards.
  std::array<uint8_t, 32> finish();

 private:
  void compress(const uint8_t* block);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Lower-case hex of the digest of `text`.
std::string sha256_hex(std::string_view text);

std::string to_hex(const uint8_t* bytes, size_t size);

}  // namespace pgd::config
