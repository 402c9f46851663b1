#include "datasets/ultramnist_generator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "harness/config/config_error.h"
#include "tests/datasets/dataset_test_util.h"

namespace pgd::data {
namespace {

using ::testing::HasSubstr;

// A small variant that renders fast: 128² canvas drawn to 64², 10 classes, factors 1..3 (a
// 112-pixel digit would leave no room for a second one).
UltraMnistParams small_params() {
  UltraMnistParams p;
  p.canvas_size = 128;
  p.image_size = 64;
  p.num_classes = 10;
  p.digits_min = 3;
  p.digits_max = 5;
  p.scale_min = 1;
  p.scale_max = 3;
  p.scale_weights = v_shape_weights(1, 3);
  return p;
}

UltraMnistGenerator make_gen(UltraMnistParams p = small_params(), uint64_t seed = 7) {
  return UltraMnistGenerator(std::move(p), testing::fake_pool(10), seed);
}

std::vector<uint8_t> render(const UltraMnistGenerator& g, Split split, uint64_t i) {
  const int64_t s = g.params().image_size;
  std::vector<uint8_t> out(static_cast<size_t>(s * s));
  g.generate(split, i, out.data());
  return out;
}

TEST(VShapeWeights, MatchesThePublishedWeights) {
  std::vector<double> w = v_shape_weights(1, 75);
  ASSERT_EQ(w.size(), 75u);
  for (int f = 1; f <= 38; ++f) EXPECT_EQ(w[f - 1], 39 - f) << "factor " << f;   // 38 .. 1
  for (int f = 39; f <= 75; ++f) EXPECT_EQ(w[f - 1], f - 38) << "factor " << f;  // 1 .. 37
  EXPECT_EQ(v_shape_weights(1, 9), (std::vector<double>{5, 4, 3, 2, 1, 1, 2, 3, 4}));
  // An even count is padded with k, as the PatchGD code does.
  EXPECT_EQ(v_shape_weights(1, 4), (std::vector<double>{2, 1, 1, 2}));
  EXPECT_EQ(v_shape_weights(3, 3), (std::vector<double>{1}));
}

TEST(DigitMultisets, MatchBruteForceEnumeration) {
  // Every tuple of 3..5 digits, sorted into a multiset, grouped by sum.
  std::map<int, std::set<std::vector<int>>> expected;
  for (int len = 3; len <= 5; ++len) {
    int total = 1;
    for (int k = 0; k < len; ++k) total *= 10;
    for (int code = 0; code < total; ++code) {
      std::vector<int> t;
      for (int c = code, k = 0; k < len; ++k, c /= 10) t.push_back(c % 10);
      std::sort(t.begin(), t.end());
      int sum = 0;
      for (int d : t) sum += d;
      expected[sum].insert(t);
    }
  }
  for (int s = 0; s <= 45; ++s) {
    auto got = digit_multisets(s, 3, 5);
    std::set<std::vector<int>> unique(got.begin(), got.end());
    EXPECT_EQ(unique.size(), got.size()) << "sum " << s << " lists a multiset twice";
    EXPECT_EQ(unique, expected[s]) << "sum " << s;
  }
  EXPECT_EQ(digit_multisets(0, 3, 5).size(), 3u);  // 000, 0000, 00000
  EXPECT_TRUE(digit_multisets(28, 3, 3).empty());  // three digits sum to at most 27
}

TEST(UltraMnistParams, PresetsAreValidAndAsPublished) {
  UltraMnistParams big = ultramnist_preset();
  EXPECT_NO_THROW(big.validate());
  EXPECT_EQ(big.canvas_size, 4000);
  EXPECT_EQ(big.num_classes, 28);
  EXPECT_EQ(big.scale_weights.size(), 75u);
  UltraMnistParams small = ultramnist10_preset();
  EXPECT_NO_THROW(small.validate());
  EXPECT_EQ(small.canvas_size, 512);
  EXPECT_EQ(small.num_classes, 10);
  EXPECT_EQ(small.scale_weights, (std::vector<double>{5, 4, 3, 2, 1, 1, 2, 3, 4}));
  EXPECT_NE(big.hash(), small.hash());
}

TEST(UltraMnistParams, InvalidParametersNameTheKey) {
  auto message = [](UltraMnistParams p) {
    try {
      p.validate("dataset.");
    } catch (const config::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  UltraMnistParams p = small_params();
  p.scale_weights.pop_back();
  EXPECT_THAT(message(p), HasSubstr("dataset.scale_weights"));
  p = small_params();
  p.scale_max = 5;  // 28·5 = 140 > 128
  p.scale_weights = v_shape_weights(1, 5);
  EXPECT_THAT(message(p), HasSubstr("dataset.scale_max"));
  p = small_params();
  p.num_classes = 47;
  EXPECT_THAT(message(p), HasSubstr("dataset.num_classes"));
  p = small_params();
  p.digits_max = 2;
  EXPECT_THAT(message(p), HasSubstr("dataset.digits_max"));
  p = small_params();
  p.scale_weights = {0, 0, 0};
  EXPECT_THAT(message(p), HasSubstr("dataset.scale_weights"));
}

TEST(UltraMnistGenerator, SameSeedAndIndexGiveIdenticalBytes) {
  auto a = make_gen();
  auto b = make_gen();
  for (uint64_t i : {0, 1, 17}) EXPECT_EQ(render(a, Split::Train, i), render(b, Split::Train, i));
  EXPECT_NE(render(a, Split::Train, 3), render(a, Split::Train, 4));
  EXPECT_NE(render(a, Split::Train, 3), render(a, Split::Val, 3));
  auto other_seed = make_gen(small_params(), 8);
  EXPECT_NE(render(a, Split::Train, 3), render(other_seed, Split::Train, 3));
}

TEST(UltraMnistGenerator, ImagesDoNotDependOnGenerationOrder) {
  auto a = make_gen();
  auto a5 = render(a, Split::Train, 5);
  auto a2 = render(a, Split::Train, 2);
  auto b = make_gen();
  auto b2 = render(b, Split::Train, 2);
  auto b5 = render(b, Split::Train, 5);
  EXPECT_EQ(a5, b5);
  EXPECT_EQ(a2, b2);
}

void expect_valid_layouts(const UltraMnistGenerator& g, Split split, int count) {
  const auto& p = g.params();
  for (int i = 0; i < count; ++i) {
    UltraMnistSample s = g.layout(split, static_cast<uint64_t>(i));
    ASSERT_EQ(s.label, i % p.num_classes);
    ASSERT_GE(static_cast<int64_t>(s.digits.size()), p.digits_min);
    ASSERT_LE(static_cast<int64_t>(s.digits.size()), p.digits_max);
    int64_t sum = 0;
    for (size_t m = 0; m < s.digits.size(); ++m) {
      const DigitPlacement& a = s.digits[m];
      sum += a.digit;
      EXPECT_EQ(g.pool().labels[a.mnist_index], a.digit);
      ASSERT_GE(a.scale, p.scale_min);
      ASSERT_LE(a.scale, p.scale_max);
      ASSERT_TRUE(a.side == 28 * a.scale || (a.scale == 1 && a.side == 14)) << a.side;
      ASSERT_GE(a.x, 0);
      ASSERT_GE(a.y, 0);
      ASSERT_LE(a.x + a.side, p.canvas_size);
      ASSERT_LE(a.y + a.side, p.canvas_size);
      for (size_t n = 0; n < m; ++n) {
        const DigitPlacement& b = s.digits[n];
        bool apart = a.x + a.side <= b.x || b.x + b.side <= a.x || a.y + a.side <= b.y ||
                     b.y + b.side <= a.y;
        ASSERT_TRUE(apart) << "image " << i << ": boxes " << n << " and " << m << " overlap";
      }
    }
    ASSERT_EQ(sum, s.label) << "image " << i;
  }
}

// half_size_prob decides how often factor 1 is drawn 14×14 rather than 28×28; the needle preset
// (0) always draws one 28×28 digit, whose value is the label.
TEST(UltraMnistGenerator, HalfSizeProbabilityPicksTheFactorOneSide) {
  auto pool = testing::fake_pool(10);
  UltraMnistParams needle = ultramnist_needle_preset();
  UltraMnistGenerator all_large(needle, pool, 1);
  for (size_t i = 0; i < 200; ++i) {
    const auto s = all_large.layout(Split::Train, i);
    ASSERT_EQ(s.digits.size(), 1u);
    EXPECT_EQ(s.digits[0].side, 28) << "image " << i;
    EXPECT_EQ(s.digits[0].digit, s.label);
  }
  needle.half_size_prob = 1.0;
  UltraMnistGenerator all_small(needle, pool, 1);
  for (size_t i = 0; i < 200; ++i) EXPECT_EQ(all_small.layout(Split::Train, i).digits[0].side, 14);
  EXPECT_NE(needle.hash(), ultramnist_needle_preset().hash());
  needle.half_size_prob = 0.5;
  UltraMnistGenerator mixed(needle, pool, 1);
  int small = 0;
  for (size_t i = 0; i < 400; ++i) small += mixed.layout(Split::Train, i).digits[0].side == 14;
  EXPECT_GT(small, 140);
  EXPECT_LT(small, 260);
}

TEST(UltraMnistGenerator, LabelIsTheDigitSumAndBoxesNeverOverlap) {
  expect_valid_layouts(make_gen(), Split::Train, 400);
  expect_valid_layouts(make_gen(), Split::Val, 200);
  auto pool = testing::fake_pool(10);
  expect_valid_layouts(UltraMnistGenerator(ultramnist10_preset(), pool, 1), Split::Train, 400);
  expect_valid_layouts(UltraMnistGenerator(ultramnist_preset(), pool, 1), Split::Train, 400);
  // Factors up to 4 on a 128² canvas: a 112-pixel digit can block every later one, and the
  // layout is redrawn until all digits fit.
  UltraMnistParams crowded = small_params();
  crowded.scale_max = 4;
  crowded.scale_weights = v_shape_weights(1, 4);
  expect_valid_layouts(UltraMnistGenerator(crowded, pool, 1), Split::Train, 200);
}

TEST(UltraMnistGenerator, TrainAndValidationUseDisjointDigits) {
  auto g = make_gen();
  std::set<uint32_t> train, val;
  for (int i = 0; i < 300; ++i) {
    for (const auto& d : g.layout(Split::Train, i).digits) train.insert(d.mnist_index);
    for (const auto& d : g.layout(Split::Val, i).digits) val.insert(d.mnist_index);
  }
  for (uint32_t v : val) EXPECT_EQ(train.count(v), 0u) << "MNIST digit " << v << " in both splits";
  // Each split draws only from its own part of the pool (8 train, 2 val digits per class here).
  for (int d = 0; d < 10; ++d) {
    EXPECT_EQ(g.split_digits(Split::Train, d).size(), 8u);
    EXPECT_EQ(g.split_digits(Split::Val, d).size(), 2u);
  }
  auto in_split = [&](Split s, uint32_t i) {
    const auto& v = g.split_digits(s, g.pool().labels[i]);
    return std::find(v.begin(), v.end(), i) != v.end();
  };
  for (uint32_t i : train) EXPECT_TRUE(in_split(Split::Train, i)) << i;
  for (uint32_t i : val) EXPECT_TRUE(in_split(Split::Val, i)) << i;
  EXPECT_GT(train.size(), 40u);
  EXPECT_GT(val.size(), 10u);
}

TEST(UltraMnistGenerator, ScaleFollowsTheWeightsWhenRejectionIsRare) {
  // A large canvas with small digits rarely rejects, so factor frequencies follow the weights.
  UltraMnistParams p = small_params();
  p.canvas_size = 4000;
  p.image_size = 16;
  p.scale_max = 9;
  p.scale_weights = {5, 4, 3, 2, 1, 1, 2, 3, 4};
  p.digits_min = p.digits_max = 3;
  auto g = make_gen(p);
  std::map<int64_t, int> count;
  int half = 0, total = 0;
  for (int i = 0; i < 1500; ++i) {
    for (const auto& d : g.layout(Split::Train, i).digits) {
      count[d.scale]++;
      half += d.side == 14;
      total++;
    }
  }
  EXPECT_NEAR(count[1] / double(total), 5.0 / 25, 0.03);
  EXPECT_NEAR(count[5] / double(total), 1.0 / 25, 0.015);
  EXPECT_NEAR(count[9] / double(total), 4.0 / 25, 0.03);
  EXPECT_NEAR(half / double(count[1]), 0.5, 0.07);  // factor 1 is 14×14 half the time
}

TEST(UltraMnistGenerator, RenderDrawsNearestNeighbourDigitsInTheirBoxes) {
  UltraMnistParams p = small_params();
  p.image_size = p.canvas_size;  // no resize: the canvas itself
  auto g = make_gen(p);
  for (uint64_t i = 0; i < 20; ++i) {
    std::vector<uint8_t> img(static_cast<size_t>(p.canvas_size * p.canvas_size));
    UltraMnistSample s = g.generate(Split::Train, i, img.data());
    std::vector<bool> inside(img.size(), false);
    for (const auto& d : s.digits) {
      const uint8_t* digit = g.pool().image(d.mnist_index);
      for (int64_t r = 0; r < d.side; ++r) {
        for (int64_t c = 0; c < d.side; ++c) {
          size_t q = static_cast<size_t>((d.y + r) * p.canvas_size + d.x + c);
          inside[q] = true;
          ASSERT_EQ(img[q], digit[(r * 28 / d.side) * 28 + c * 28 / d.side]);
        }
      }
    }
    for (size_t q = 0; q < img.size(); ++q)
      if (!inside[q]) {
        ASSERT_EQ(img[q], 0) << "ink outside every box";
      }
  }
}

TEST(UltraMnistGenerator, ACanvasTooSmallForTheDigitsIsAnError) {
  UltraMnistParams p = small_params();
  p.canvas_size = 28;  // at most four 14×14 digits fit
  p.image_size = 28;
  p.scale_max = 1;
  p.scale_weights = {1};
  p.digits_min = p.digits_max = 5;
  p.scale_tries = 200;
  auto g = make_gen(p);
  EXPECT_THROW(g.layout(Split::Train, 0), DataError);
}

TEST(ResizeArea, AveragesBlocksAndKeepsConstants) {
  // 4×4 → 2×2: each output is the mean of a 2×2 block.
  std::vector<uint8_t> src = {0,   2,   10, 10,  //
                              4,   6,   10, 10,  //
                              100, 100, 0,  0,   //
                              100, 100, 0,  255};
  std::vector<uint8_t> dst(4);
  resize_area(src.data(), 4, dst.data(), 2);
  EXPECT_EQ(dst, (std::vector<uint8_t>{3, 10, 100, 64}));
  // Upsampling 2×2 → 4×4 repeats each pixel (each output lies inside one source pixel).
  std::vector<uint8_t> up(16);
  resize_area(dst.data(), 2, up.data(), 4);
  EXPECT_EQ(up[0], 3);
  EXPECT_EQ(up[5], 3);
  EXPECT_EQ(up[15], 64);
  // A non-integer ratio keeps a constant image constant.
  std::vector<uint8_t> flat(50 * 50, 77), small(7 * 7);
  resize_area(flat.data(), 50, small.data(), 7);
  for (uint8_t v : small) EXPECT_EQ(v, 77);
  std::vector<uint8_t> big(61 * 61);
  resize_area(flat.data(), 50, big.data(), 61);
  for (uint8_t v : big) EXPECT_EQ(v, 77);
}

TEST(ResizeArea, SkippingZeroRowsChangesNothing) {
  std::vector<uint8_t> src(40 * 40, 0);
  std::vector<bool> rows(40, false);
  for (int r = 10; r < 17; ++r) {
    rows[r] = true;
    for (int c = 3; c < 30; ++c) src[r * 40 + c] = static_cast<uint8_t>(r * c % 256);
  }
  std::vector<uint8_t> all(9 * 9), skipped(9 * 9);
  resize_area(src.data(), 40, all.data(), 9);
  resize_area(src.data(), 40, skipped.data(), 9, rows);
  EXPECT_EQ(all, skipped);
}

}  // namespace
}  // namespace pgd::data
