#include "harness/config/string_util.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "harness/config/config_error.h"

namespace pgd::config {
namespace {

using Words = std::vector<std::string>;

TEST(EditDistance, CountsEditsAndNeighbourSwaps) {
  EXPECT_EQ(edit_distance("epochs", "epochs"), 0u);
  EXPECT_EQ(edit_distance("epoch", "epochs"), 1u);
  EXPECT_EQ(edit_distance("epcohs", "epochs"), 1u);  // swap
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(NearestFirst, SortsByDistanceThenName) {
  EXPECT_EQ(nearest_first("epoch", {"lr", "epochs", "batch_size", "eval"}),
            (Words{"epochs", "eval", "lr", "batch_size"}));
}

TEST(DidYouMean, OnlyForLikelyTypos) {
  EXPECT_EQ(did_you_mean("epoch", {"epochs", "lr"}), "epochs");
  EXPECT_EQ(did_you_mean("sampling_fractoin", {"sampling_fraction"}), "sampling_fraction");
  EXPECT_EQ(did_you_mean("zzz", {"epochs", "lr"}), "");
  EXPECT_EQ(did_you_mean("x", {}), "");
}

TEST(SplitTopLevel, SplitsOnlyOutsideBracketsAndQuotes) {
  EXPECT_EQ(split_top_level("a, b ,c", "t"), (Words{"a", "b", "c"}));
  EXPECT_EQ(split_top_level("[1,2],{a: 1, b: 2},f(x,y)", "t"),
            (Words{"[1,2]", "{a: 1, b: 2}", "f(x,y)"}));
  EXPECT_EQ(split_top_level("'a,b',\"c,\\\"d\"", "t"), (Words{"'a,b'", "\"c,\\\"d\""}));
  EXPECT_EQ(split_top_level("it's,fine", "t"), (Words{"it's", "fine"}));
  EXPECT_EQ(split_top_level("single", "t"), (Words{"single"}));
}

TEST(SplitTopLevel, UnbalancedInputIsAnError) {
  EXPECT_THROW(split_top_level("[1,2", "t"), ConfigError);
  EXPECT_THROW(split_top_level("1,2]", "t"), ConfigError);
  EXPECT_THROW(split_top_level("'a,b", "t"), ConfigError);
}

TEST(HasTopLevelComma, IgnoresNestedCommas) {
  EXPECT_TRUE(has_top_level_comma("a,b"));
  EXPECT_FALSE(has_top_level_comma("[a,b]"));
  EXPECT_FALSE(has_top_level_comma("'a,b'"));
  EXPECT_FALSE(has_top_level_comma("[a,b"));  // malformed: not a sweep
}

TEST(FormatDouble, ShortestRoundTripAlwaysReadsAsFloat) {
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(1.0), "1.0");
  EXPECT_EQ(format_double(100.0), "100.0");
  EXPECT_EQ(format_double(-2.5), "-2.5");
  EXPECT_EQ(format_double(1e-3), "0.001");
  EXPECT_EQ(format_double(1e-5), "1e-5");
  EXPECT_EQ(format_double(1e20), "1e20");
  EXPECT_EQ(format_double(1e16), "1e16");
  EXPECT_EQ(format_double(1e15), "1000000000000000.0");
  EXPECT_EQ(format_double(1e-4), "0.0001");
  EXPECT_EQ(format_double(123.456), "123.456");
  EXPECT_EQ(format_double(2.5e-7), "2.5e-7");
  EXPECT_EQ(format_double(1.5e300), "1.5e300");
  EXPECT_EQ(format_double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_double(std::numeric_limits<double>::infinity()), ".inf");
  EXPECT_EQ(format_double(-std::numeric_limits<double>::infinity()), "-.inf");
  EXPECT_EQ(format_double(std::nan("")), ".nan");
  for (double v : {0.125, 3.141592653589793, 6.02214076e23, 5e-324, 1.7976931348623157e308})
    EXPECT_EQ(std::strtod(format_double(v).c_str(), nullptr), v) << v;
}

}  // namespace
}  // namespace pgd::config
