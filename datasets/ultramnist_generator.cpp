#include "datasets/ultramnist_generator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <sstream>

#include "datasets/sample_rng.h"
#include "harness/config/config_error.h"

namespace pgd::data {
namespace {

[[noreturn]] void bad_param(const std::string& prefix, const std::string& field,
                            const std::string& value, const std::string& expected) {
  throw config::ConfigError("config key '" + prefix + field + "': value " + value +
                            " is invalid; expected " + expected);
}

uint64_t split_word(Split s) { return s == Split::Train ? 0 : 1; }

bool boxes_overlap(const DigitPlacement& a, int64_t x, int64_t y, int64_t side) {
  // Half-open pixel ranges [x, x+side): sharing an edge row is an overlap only if a pixel is
  // shared.
  return a.x < x + side && x < a.x + a.side && a.y < y + side && y < a.y + a.side;
}

void enumerate_multisets(int64_t total, int64_t length, int lowest, std::vector<int>& prefix,
                         std::vector<std::vector<int>>& out) {
  if (static_cast<int64_t>(prefix.size()) == length) {
    if (total == 0) out.push_back(prefix);
    return;
  }
  int64_t left = length - static_cast<int64_t>(prefix.size());
  if (9 * left < total) return;
  for (int d = lowest; d <= 9; ++d) {
    // Non-decreasing digits: each multiset appears once, as its sorted sequence.
    if (d * left > total) break;
    prefix.push_back(d);
    enumerate_multisets(total - d, length, d, prefix, out);
    prefix.pop_back();
  }
}

// One output index's source span: first source index and per-pixel overlap weights.
struct AreaTaps {
  std::vector<int64_t> first;   // dst_side
  std::vector<int64_t> offset;  // dst_side + 1, into weights
  std::vector<float> weights;
};

AreaTaps area_taps(int64_t src_side, int64_t dst_side) {
  AreaTaps t;
  t.first.resize(dst_side);
  t.offset.resize(dst_side + 1);
  const double r = static_cast<double>(src_side) / static_cast<double>(dst_side);
  for (int64_t j = 0; j < dst_side; ++j) {
    double start = j * r, end = std::min((j + 1) * r, static_cast<double>(src_side));
    int64_t k0 = static_cast<int64_t>(std::floor(start));
    int64_t k1 = std::min(src_side, static_cast<int64_t>(std::ceil(end)));
    t.first[j] = k0;
    t.offset[j] = static_cast<int64_t>(t.weights.size());
    double sum = 0;
    size_t begin = t.weights.size();
    for (int64_t k = k0; k < k1; ++k) {
      double w =
          std::min(end, static_cast<double>(k + 1)) - std::max(start, static_cast<double>(k));
      t.weights.push_back(static_cast<float>(std::max(w, 0.0)));
      sum += std::max(w, 0.0);
    }
    // Normalize by the covered length so weights sum to 1 even where fp rounding trims an end.
    for (size_t q = begin; q < t.weights.size(); ++q)
      t.weights[q] = static_cast<float>(t.weights[q] / sum);
  }
  t.offset[dst_side] = static_cast<int64_t>(t.weights.size());
  return t;
}

}  // namespace

void UltraMnistParams::validate(const std::string& p) const {
  auto s = [](int64_t v) { return std::to_string(v); };
  if (canvas_size < 14) bad_param(p, "canvas_size", s(canvas_size), "an integer >= 14");
  if (image_size < 1) bad_param(p, "image_size", s(image_size), "an integer >= 1");
  if (digits_min < 1 || digits_min > 10)
    bad_param(p, "digits_min", s(digits_min), "an integer in [1, 10]");
  if (digits_max < digits_min || digits_max > 10)
    bad_param(p, "digits_max", s(digits_max),
              "an integer in [digits_min = " + s(digits_min) + ", 10]");
  if (num_classes < 1 || num_classes > 9 * digits_max + 1)
    bad_param(p, "num_classes", s(num_classes),
              "an integer in [1, " + s(9 * digits_max + 1) + "] (digit sums of at most " +
                  s(digits_max) + " digits)");
  if (scale_min < 1) bad_param(p, "scale_min", s(scale_min), "an integer >= 1");
  if (scale_max < scale_min)
    bad_param(p, "scale_max", s(scale_max), "an integer >= scale_min = " + s(scale_min));
  if (28 * scale_max > canvas_size)
    bad_param(
        p, "scale_max", s(scale_max),
        "at most canvas_size / 28 = " + s(canvas_size / 28) + " (a digit must fit the canvas)");
  const size_t n = static_cast<size_t>(scale_max - scale_min + 1);
  double total = 0;
  for (double w : scale_weights) {
    if (!(w >= 0.0) || !std::isfinite(w))
      bad_param(p, "scale_weights", std::to_string(w), "weights >= 0");
    total += w;
  }
  if (scale_weights.size() != n || !(total > 0))
    bad_param(p, "scale_weights", "(" + std::to_string(scale_weights.size()) + " weights)",
              s(static_cast<int64_t>(n)) + " weights, one per factor " + s(scale_min) + ".." +
                  s(scale_max) + ", not all zero");
  if (placement_tries < 1) bad_param(p, "placement_tries", s(placement_tries), "an integer >= 1");
  if (scale_tries < 1) bad_param(p, "scale_tries", s(scale_tries), "an integer >= 1");
  if (!(half_size_prob >= 0.0 && half_size_prob <= 1.0))
    bad_param(p, "half_size_prob", std::to_string(half_size_prob), "a probability in [0, 1]");
}

uint64_t UltraMnistParams::hash() const {
  uint64_t h = 0x756c7472616d6e69ULL;  // "ultramni"
  for (int64_t v : {canvas_size, image_size, num_classes, digits_min, digits_max, scale_min,
                    scale_max, placement_tries, scale_tries})
    h = hash_combine(h, static_cast<uint64_t>(v));
  for (double w : scale_weights) {
    uint64_t bits;
    std::memcpy(&bits, &w, sizeof bits);
    h = hash_combine(h, bits);
  }
  // Only a non-reference value enters the key, so caches made before the field existed stay valid.
  if (half_size_prob != 0.5) {
    uint64_t bits;
    std::memcpy(&bits, &half_size_prob, sizeof bits);
    h = hash_combine(h, bits);
  }
  return h;
}

std::vector<double> v_shape_weights(int64_t scale_min, int64_t scale_max) {
  const int64_t n = scale_max - scale_min + 1;
  const int64_t k = (n + 1) / 2;
  std::vector<double> w;
  for (int64_t v = k; v >= 1; --v) w.push_back(static_cast<double>(v));
  for (int64_t v = 1; v <= k - 1; ++v) w.push_back(static_cast<double>(v));
  if (static_cast<int64_t>(w.size()) < n) w.push_back(static_cast<double>(k));
  return w;
}

UltraMnistParams ultramnist_preset() {
  UltraMnistParams p;
  p.canvas_size = 4000;
  p.image_size = 512;
  p.num_classes = 28;
  p.digits_min = 3;
  p.digits_max = 5;
  p.scale_min = 1;
  p.scale_max = 75;
  p.scale_weights = v_shape_weights(1, 75);
  return p;
}

UltraMnistParams ultramnist10_preset() {
  UltraMnistParams p;
  p.canvas_size = 512;
  p.image_size = 512;
  p.num_classes = 10;
  p.digits_min = 3;
  p.digits_max = 5;
  p.scale_min = 1;
  p.scale_max = 9;
  p.scale_weights = {5, 4, 3, 2, 1, 1, 2, 3, 4};
  return p;
}

UltraMnistParams ultramnist_needle_preset() {
  UltraMnistParams p;
  p.canvas_size = 64;
  p.image_size = 64;
  p.num_classes = 10;
  p.digits_min = 1;
  p.digits_max = 1;
  p.scale_min = 1;
  p.scale_max = 1;
  p.scale_weights = {1};
  p.half_size_prob = 0.0;
  return p;
}

std::vector<std::vector<int>> digit_multisets(int64_t total, int64_t digits_min,
                                              int64_t digits_max) {
  std::vector<std::vector<int>> out;
  std::vector<int> prefix;
  for (int64_t len = digits_min; len <= digits_max; ++len)
    enumerate_multisets(total, len, 0, prefix, out);
  return out;
}

UltraMnistGenerator::UltraMnistGenerator(UltraMnistParams params,
                                         std::shared_ptr<const DigitPool> pool, uint64_t seed)
    : params_(std::move(params)), pool_(std::move(pool)), seed_(seed) {
  params_.validate();
  if (!pool_) throw DataError("UltraMNIST: no MNIST digit pool given");
  double acc = 0;
  for (double w : params_.scale_weights) scale_cdf_.push_back(acc += w);
  for (int64_t c = 0; c < params_.num_classes; ++c) {
    multisets_.push_back(digit_multisets(c, params_.digits_min, params_.digits_max));
    if (multisets_.back().empty())
      throw config::ConfigError("UltraMNIST: class " + std::to_string(c) + " has no multiset of " +
                                std::to_string(params_.digits_min) + ".." +
                                std::to_string(params_.digits_max) + " digits with that sum");
  }
  train_digits_ = split_digit_pool(*pool_, Split::Train);
  val_digits_ = split_digit_pool(*pool_, Split::Val);
}

const std::vector<uint32_t>& UltraMnistGenerator::split_digits(Split split, int digit) const {
  return (split == Split::Train ? train_digits_ : val_digits_).at(static_cast<size_t>(digit));
}

const std::vector<std::vector<int>>& UltraMnistGenerator::multisets(int64_t label) const {
  return multisets_.at(static_cast<size_t>(label));
}

UltraMnistSample UltraMnistGenerator::layout(Split split, uint64_t index) const {
  std::mt19937_64 rng = make_sample_rng(seed_, RngDomain::UltraMnist, split_word(split), index);
  const int64_t canvas = params_.canvas_size;
  UltraMnistSample sample;
  sample.label = static_cast<int64_t>(index % static_cast<uint64_t>(params_.num_classes));
  const auto& sets = multisets_[static_cast<size_t>(sample.label)];
  const std::vector<int>& digits = sets[uniform_below(rng, sets.size())];

  for (int d : digits) {
    const auto& candidates = split_digits(split, d);
    DigitPlacement p;
    p.digit = d;
    p.mnist_index = candidates[uniform_below(rng, candidates.size())];
    sample.digits.push_back(p);
  }

  // A large early digit can leave no room for a later one at any scale; the whole placement is
  // then drawn again (the stream goes on, so the result is still a function of the image's key).
  size_t failed_digit = 0;
  for (int restart = 0; restart < kLayoutRestarts; ++restart) {
    failed_digit = sample.digits.size();
    for (size_t n = 0; n < sample.digits.size(); ++n) {
      if (!place_digit(rng, sample.digits, n)) {
        failed_digit = n;
        break;
      }
    }
    if (failed_digit == sample.digits.size()) return sample;
  }
  throw DataError("UltraMNIST " + std::string(split_name(split)) + " image " +
                  std::to_string(index) + ": digit " + std::to_string(failed_digit + 1) + " of " +
                  std::to_string(sample.digits.size()) + " found no free place on the " +
                  std::to_string(canvas) + "² canvas after " + std::to_string(params_.scale_tries) +
                  " scale draws, in each of " + std::to_string(kLayoutRestarts) +
                  " fresh layouts (canvas too small for the digit count and scales)");
}

bool UltraMnistGenerator::place_digit(std::mt19937_64& rng, std::vector<DigitPlacement>& digits,
                                      size_t n) const {
  const int64_t canvas = params_.canvas_size;
  DigitPlacement& p = digits[n];
  for (int64_t st = 0; st < params_.scale_tries; ++st) {
    double u = uniform01(rng) * scale_cdf_.back();
    size_t pick = static_cast<size_t>(std::upper_bound(scale_cdf_.begin(), scale_cdf_.end(), u) -
                                      scale_cdf_.begin());
    // u < total in exact arithmetic; if rounding lands on it, take the last weighted factor.
    if (pick >= scale_cdf_.size())
      while (pick > 0 && (pick == scale_cdf_.size() || params_.scale_weights[pick] == 0)) --pick;
    int64_t scale = params_.scale_min + static_cast<int64_t>(pick);
    int64_t side = kDigitSide * scale;
    if (scale == 1 && uniform01(rng) < params_.half_size_prob) side = kDigitSide / 2;
    for (int64_t pt = 0; pt < params_.placement_tries; ++pt) {
      int64_t x = uniform_int(rng, 0, canvas - side);
      int64_t y = uniform_int(rng, 0, canvas - side);
      bool clash = false;
      for (size_t m = 0; m < n && !clash; ++m) clash = boxes_overlap(digits[m], x, y, side);
      if (!clash) {
        p.scale = scale;
        p.side = side;
        p.x = x;
        p.y = y;
        return true;
      }
    }
  }
  return false;
}

void UltraMnistGenerator::render(const UltraMnistSample& sample, uint8_t* out) const {
  const int64_t canvas_side = params_.canvas_size;
  const bool direct = canvas_side == params_.image_size;
  std::vector<bool> nonzero_rows(static_cast<size_t>(canvas_side), false);
  for (const DigitPlacement& p : sample.digits)
    for (int64_t r = p.y; r < p.y + p.side; ++r) nonzero_rows[static_cast<size_t>(r)] = true;
  std::unique_ptr<uint8_t[]> canvas_buf;
  uint8_t* canvas = out;
  if (direct) {
    std::memset(out, 0, static_cast<size_t>(canvas_side * canvas_side));
  } else {
    // Only rows that hold a digit are cleared: resize_area reads no other row, and a 4000²
    // canvas is 16 MB to clear per image.
    canvas_buf.reset(new uint8_t[static_cast<size_t>(canvas_side * canvas_side)]);
    canvas = canvas_buf.get();
    for (int64_t r = 0; r < canvas_side; ++r)
      if (nonzero_rows[static_cast<size_t>(r)])
        std::memset(canvas + r * canvas_side, 0, static_cast<size_t>(canvas_side));
  }
  std::vector<int64_t> src_of;  // box pixel → digit pixel (nearest neighbour)
  for (const DigitPlacement& p : sample.digits) {
    const uint8_t* digit = pool_->image(p.mnist_index);
    src_of.resize(static_cast<size_t>(p.side));
    for (int64_t q = 0; q < p.side; ++q) src_of[q] = q * kDigitSide / p.side;
    for (int64_t r = 0; r < p.side; ++r) {
      const uint8_t* src = digit + src_of[r] * kDigitSide;
      uint8_t* dst = canvas + (p.y + r) * canvas_side + p.x;
      // Summed and clipped, as the reference does (boxes are disjoint, so this only matters if
      // a future rule lets them touch).
      for (int64_t c = 0; c < p.side; ++c)
        dst[c] = static_cast<uint8_t>(std::min(255, int(dst[c]) + int(src[src_of[c]])));
    }
  }
  if (!direct) resize_area(canvas, canvas_side, out, params_.image_size, nonzero_rows);
}

UltraMnistSample UltraMnistGenerator::generate(Split split, uint64_t index, uint8_t* out) const {
  UltraMnistSample sample = layout(split, index);
  render(sample, out);
  return sample;
}

void resize_area(const uint8_t* src, int64_t src_side, uint8_t* dst, int64_t dst_side,
                 const std::vector<bool>& nonzero_rows) {
  if (src_side == dst_side) {
    std::memcpy(dst, src, static_cast<size_t>(src_side * src_side));
    return;
  }
  const AreaTaps taps = area_taps(src_side, dst_side);
  auto row_used = [&](int64_t k) {
    return nonzero_rows.empty() || nonzero_rows[static_cast<size_t>(k)];
  };
  // Horizontal pass: tmp is src_side×dst_side float. Rows known to be zero are neither computed
  // nor read (so tmp is left uninitialized: zeroing 65 MB at 4000→4096 costs more than the rest).
  std::unique_ptr<float[]> tmp(new float[static_cast<size_t>(src_side * dst_side)]);
  for (int64_t y = 0; y < src_side; ++y) {
    if (!row_used(y)) continue;
    const uint8_t* s = src + y * src_side;
    float* t = tmp.get() + y * dst_side;
    for (int64_t j = 0; j < dst_side; ++j) {
      const float* w = taps.weights.data() + taps.offset[j];
      const int64_t n = taps.offset[j + 1] - taps.offset[j];
      const uint8_t* sp = s + taps.first[j];
      float acc = 0;
      for (int64_t q = 0; q < n; ++q) acc += w[q] * sp[q];
      t[j] = acc;
    }
  }
  // Vertical pass, one output row at a time over the few source rows it covers.
  std::vector<float> acc(static_cast<size_t>(dst_side));
  for (int64_t i = 0; i < dst_side; ++i) {
    uint8_t* d = dst + i * dst_side;
    const int64_t n = taps.offset[i + 1] - taps.offset[i];
    bool any = false;
    for (int64_t q = 0; q < n; ++q) {
      const int64_t k = taps.first[i] + q;
      if (!row_used(k)) continue;
      const float w = taps.weights[taps.offset[i] + q];
      const float* t = tmp.get() + k * dst_side;
      if (!any) {
        for (int64_t j = 0; j < dst_side; ++j) acc[j] = w * t[j];
        any = true;
      } else {
        for (int64_t j = 0; j < dst_side; ++j) acc[j] += w * t[j];
      }
    }
    if (!any) {
      std::memset(d, 0, static_cast<size_t>(dst_side));
      continue;
    }
    // Weights are non-negative and sum to 1, so acc lies in [0, 255] up to rounding error.
    for (int64_t j = 0; j < dst_side; ++j)
      d[j] = static_cast<uint8_t>(std::min(255.0f, acc[j] + 0.5f));
  }
}

}  // namespace pgd::data
