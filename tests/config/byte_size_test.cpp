#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "harness/config/byte_size.h"

namespace pgd::config {
namespace {

constexpr uint64_t kKiB = uint64_t{1} << 10;
constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

TEST(ParseBytes, NoneAndEmptyMeanNoCap) {
  EXPECT_EQ(parse_bytes("none"), std::nullopt);
  EXPECT_EQ(parse_bytes("None"), std::nullopt);
  EXPECT_EQ(parse_bytes(""), std::nullopt);
  EXPECT_EQ(parse_bytes("  "), std::nullopt);
}

TEST(ParseBytes, PlainIntegersAreBytes) {
  EXPECT_EQ(parse_bytes("123456"), 123456u);
  EXPECT_EQ(parse_bytes("0"), 0u);
  EXPECT_EQ(parse_bytes("7B"), 7u);
  EXPECT_EQ(parse_bytes("18446744073709551615"), UINT64_MAX);
}

TEST(ParseBytes, DecimalUnitsAreBinary) {
  EXPECT_EQ(parse_bytes("4GB"), 4 * kGiB);
  EXPECT_EQ(parse_bytes("4GiB"), 4 * kGiB);
  EXPECT_EQ(parse_bytes("512MB"), 512 * kMiB);
  EXPECT_EQ(parse_bytes("512mib"), 512 * kMiB);
  EXPECT_EQ(parse_bytes("3KB"), 3 * kKiB);
  EXPECT_EQ(parse_bytes("3kib"), 3 * kKiB);
  EXPECT_EQ(parse_bytes("2TiB"), 2 * 1024 * kGiB);
  EXPECT_EQ(parse_bytes("24gb"), 24 * kGiB);
}

TEST(ParseBytes, DecimalsAndSpaces) {
  EXPECT_EQ(parse_bytes("1.5GB"), 3 * kGiB / 2);
  EXPECT_EQ(parse_bytes(" 1.5 GiB "), 3 * kGiB / 2);
  EXPECT_EQ(parse_bytes("0.5MB"), kMiB / 2);
  EXPECT_EQ(parse_bytes(".25KiB"), 256u);
}

TEST(ParseBytes, BadTextNamesTheTextAndTheForms) {
  for (const std::string bad : {"abc", "4XB", "-4GB", "1e9", "GB", "4 G B", "1.5", "1.5B",
                                "99999999999999999999", "20000000TB", "4GB!"}) {
    try {
      parse_bytes(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("'" + bad + "'"), std::string::npos) << what;
      EXPECT_NE(what.find("GiB"), std::string::npos) << what;
    }
  }
}

TEST(FormatBytes, PicksTheLargestBinaryUnit) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(kKiB), "1.00 KiB");
  EXPECT_EQ(format_bytes(24 * kMiB), "24.00 MiB");
  EXPECT_EQ(format_bytes(3 * kGiB / 2), "1.50 GiB");
  EXPECT_EQ(format_bytes(2 * 1024 * kGiB), "2.00 TiB");
}

TEST(FormatBytes, RoundTripsThroughParse) {
  for (uint64_t bytes : {kKiB, 3 * kMiB / 2, 16 * kGiB}) {
    EXPECT_EQ(parse_bytes(format_bytes(bytes)), bytes);
  }
}

}  // namespace
}  // namespace pgd::config
