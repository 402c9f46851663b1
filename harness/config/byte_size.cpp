// parse_bytes / format_bytes: the text form of `memory.cap` and of measured peaks.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

#include "harness/config/byte_size.h"

namespace pgd::config {
namespace {

constexpr uint64_t kKiB = uint64_t{1} << 10;
constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kTiB = uint64_t{1} << 40;

[[noreturn]] void reject(const std::string& text, const std::string& why) {
  throw std::invalid_argument(
      "invalid memory size '" + text + "' (" + why +
      "): expected none, a byte count (123456) or a number with a unit among B, KB/KiB, "
      "MB/MiB, GB/GiB, TB/TiB, case-insensitive (4GB, 512MB, 1.5GiB); GB = GiB = 2^30");
}

std::string lower_trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n\r");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\n\r");
  std::string out = text.substr(first, last - first + 1);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Decimal units are read as binary ones, as GPU memory is quoted ("a 16 GB card").
std::optional<uint64_t> unit_bytes(const std::string& unit) {
  if (unit.empty() || unit == "b") return 1;
  if (unit == "k" || unit == "kb" || unit == "kib") return kKiB;
  if (unit == "m" || unit == "mb" || unit == "mib") return kMiB;
  if (unit == "g" || unit == "gb" || unit == "gib") return kGiB;
  if (unit == "t" || unit == "tb" || unit == "tib") return kTiB;
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> parse_bytes(const std::string& text) {
  const std::string s = lower_trimmed(text);
  if (s.empty() || s == "none") return std::nullopt;

  // Number: digits, optionally "." and more digits. No sign, no exponent.
  std::size_t pos = 0;
  std::string whole, fraction;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) whole += s[pos++];
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) fraction += s[pos++];
  }
  if (whole.empty() && fraction.empty()) reject(text, "no number");
  while (pos < s.size() && s[pos] == ' ') ++pos;
  const auto unit = unit_bytes(s.substr(pos));
  if (!unit) reject(text, "unknown unit '" + s.substr(pos) + "'");

  // Integer part exactly; the fraction in long double (1.5 GiB and the like are exact).
  uint64_t bytes = 0;
  for (char c : whole) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (bytes > (UINT64_MAX - digit) / 10) reject(text, "too large");
    bytes = bytes * 10 + digit;
  }
  if (bytes > UINT64_MAX / *unit) reject(text, "too large");
  bytes *= *unit;
  if (!fraction.empty()) {
    const long double part = std::stold("0." + fraction) * static_cast<long double>(*unit);
    const long double extra = std::round(part);
    if (*unit == 1 && part != 0.0L) reject(text, "a fraction of a byte");
    if (extra > static_cast<long double>(UINT64_MAX - bytes)) reject(text, "too large");
    bytes += static_cast<uint64_t>(extra);
  }
  return bytes;
}

std::string format_bytes(uint64_t bytes) {
  static const std::pair<uint64_t, const char*> kUnits[] = {
      {kTiB, "TiB"}, {kGiB, "GiB"}, {kMiB, "MiB"}, {kKiB, "KiB"}};
  for (const auto& [size, name] : kUnits) {
    if (bytes >= size) {
      char text[64];
      std::snprintf(text, sizeof text, "%.2f %s",
                    static_cast<double>(bytes) / static_cast<double>(size), name);
      return text;
    }
  }
  return std::to_string(bytes) + " B";
}

}  // namespace pgd::config
