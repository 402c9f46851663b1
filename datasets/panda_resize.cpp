#include "datasets/panda_resize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace pgd::data {
namespace {

uint8_t to_u8(float v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

// For each output cell o of an axis of n_in → n_out (n_out <= n_in): the input cells it covers
// and their weights (covered fraction / ratio), which sum to 1 per output cell.
std::vector<std::vector<std::pair<int64_t, float>>> area_taps(int64_t n_in, int64_t n_out) {
  const double r = static_cast<double>(n_in) / static_cast<double>(n_out);
  std::vector<std::vector<std::pair<int64_t, float>>> taps(static_cast<size_t>(n_out));
  for (int64_t o = 0; o < n_out; ++o) {
    const double a = o * r, b = (o + 1 == n_out) ? static_cast<double>(n_in) : (o + 1) * r;
    const int64_t first = static_cast<int64_t>(std::floor(a));
    const int64_t last = std::min<int64_t>(n_in - 1, static_cast<int64_t>(std::ceil(b)) - 1);
    for (int64_t i = first; i <= last; ++i) {
      const double overlap = std::min<double>(b, i + 1) - std::max<double>(a, i);
      if (overlap > 1e-12) taps[o].emplace_back(i, static_cast<float>(overlap / (b - a)));
    }
  }
  return taps;
}

}  // namespace

ResizedShape keep_aspect_shape(int64_t height, int64_t width, int64_t target) {
  if (height <= 0 || width <= 0 || target <= 0)
    throw std::invalid_argument("keep_aspect_shape: sizes must be positive");
  ResizedShape s;
  if (width >= height) {
    s.width = target;
    s.height = std::max<int64_t>(1, std::llround(static_cast<double>(height) * target / width));
  } else {
    s.height = target;
    s.width = std::max<int64_t>(1, std::llround(static_cast<double>(width) * target / height));
  }
  return s;
}

AreaResizer::AreaResizer(int64_t in_h, int64_t in_w, int64_t out_h, int64_t out_w)
    : in_h_(in_h), in_w_(in_w), out_h_(out_h), out_w_(out_w) {
  if (out_h < 1 || out_w < 1 || out_h > in_h || out_w > in_w)
    throw std::invalid_argument("AreaResizer: cannot shrink " + std::to_string(in_h) + "x" +
                                std::to_string(in_w) + " to " + std::to_string(out_h) + "x" +
                                std::to_string(out_w));
  for (auto& taps : area_taps(in_w, out_w)) {
    column_taps_.emplace_back();
    for (auto [i, w] : taps) column_taps_.back().push_back({i, w});
  }
  row_taps_.resize(static_cast<size_t>(in_h));
  const auto vertical = area_taps(in_h, out_h);
  for (int64_t o = 0; o < out_h; ++o)
    for (auto [i, w] : vertical[o]) row_taps_[i].push_back({o, w});
  for (auto& a : acc_) a.assign(static_cast<size_t>(out_w * 3), 0.0f);
  line_.assign(static_cast<size_t>(out_w * 3), 0.0f);
  out_.assign(static_cast<size_t>(out_h * out_w * 3), 0);
}

void AreaResizer::finalize_row(int64_t o) {
  std::vector<float>& a = acc_[o % 2];
  uint8_t* dst = out_.data() + o * out_w_ * 3;
  for (int64_t k = 0; k < out_w_ * 3; ++k) dst[k] = to_u8(a[k]);
  std::fill(a.begin(), a.end(), 0.0f);
}

void AreaResizer::push_rows(const uint8_t* rgb, int64_t rows) {
  if (rows_in_ + rows > in_h_) throw std::logic_error("AreaResizer: more rows than the input has");
  for (int64_t r = 0; r < rows; ++r, ++rows_in_) {
    const uint8_t* src = rgb + r * in_w_ * 3;
    for (int64_t ox = 0; ox < out_w_; ++ox) {
      float s0 = 0, s1 = 0, s2 = 0;
      for (const Tap& t : column_taps_[ox]) {
        const uint8_t* p = src + t.index * 3;
        s0 += t.weight * p[0];
        s1 += t.weight * p[1];
        s2 += t.weight * p[2];
      }
      line_[ox * 3 + 0] = s0;
      line_[ox * 3 + 1] = s1;
      line_[ox * 3 + 2] = s2;
    }
    // Output rows are fed by a contiguous run of input rows, so every row before this input
    // row's first output row is complete; at most two rows are open at once (ratio >= 1).
    const auto& taps = row_taps_[rows_in_];
    while (!taps.empty() && next_final_ < taps.front().index) finalize_row(next_final_++);
    for (const Tap& t : taps) {
      std::vector<float>& a = acc_[t.index % 2];
      for (int64_t k = 0; k < out_w_ * 3; ++k) a[k] += t.weight * line_[k];
    }
  }
}

std::vector<uint8_t> AreaResizer::finish() {
  if (rows_in_ != in_h_)
    throw std::logic_error("AreaResizer: finish after " + std::to_string(rows_in_) + " of " +
                           std::to_string(in_h_) + " rows");
  while (next_final_ < out_h_) finalize_row(next_final_++);
  return std::move(out_);
}

std::vector<uint8_t> resize_rgb_area(const std::vector<uint8_t>& rgb, int64_t in_h, int64_t in_w,
                                     int64_t out_h, int64_t out_w) {
  AreaResizer resizer(in_h, in_w, out_h, out_w);
  resizer.push_rows(rgb.data(), in_h);
  return resizer.finish();
}

std::vector<uint8_t> resize_rgb_bilinear(const std::vector<uint8_t>& rgb, int64_t in_h,
                                         int64_t in_w, int64_t out_h, int64_t out_w) {
  if (in_h < 1 || in_w < 1 || out_h < 1 || out_w < 1)
    throw std::invalid_argument("resize_rgb_bilinear: sizes must be positive");
  struct Sample {
    int64_t i0, i1;
    float f;
  };
  auto samples = [](int64_t n_in, int64_t n_out) {
    std::vector<Sample> s(static_cast<size_t>(n_out));
    const double r = static_cast<double>(n_in) / static_cast<double>(n_out);
    for (int64_t o = 0; o < n_out; ++o) {
      const double src = std::clamp((o + 0.5) * r - 0.5, 0.0, static_cast<double>(n_in - 1));
      const int64_t i0 = static_cast<int64_t>(std::floor(src));
      s[o] = {i0, std::min(i0 + 1, n_in - 1), static_cast<float>(src - i0)};
    }
    return s;
  };
  const auto ys = samples(in_h, out_h), xs = samples(in_w, out_w);
  std::vector<uint8_t> out(static_cast<size_t>(out_h * out_w * 3));
  for (int64_t oy = 0; oy < out_h; ++oy) {
    const Sample& y = ys[oy];
    const uint8_t* r0 = rgb.data() + y.i0 * in_w * 3;
    const uint8_t* r1 = rgb.data() + y.i1 * in_w * 3;
    for (int64_t ox = 0; ox < out_w; ++ox) {
      const Sample& x = xs[ox];
      for (int c = 0; c < 3; ++c) {
        const float top = r0[x.i0 * 3 + c] + x.f * (r0[x.i1 * 3 + c] - r0[x.i0 * 3 + c]);
        const float bottom = r1[x.i0 * 3 + c] + x.f * (r1[x.i1 * 3 + c] - r1[x.i0 * 3 + c]);
        out[(oy * out_w + ox) * 3 + c] = to_u8(top + y.f * (bottom - top));
      }
    }
  }
  return out;
}

}  // namespace pgd::data
