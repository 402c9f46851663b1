#pragma once
// UltraMNIST (arXiv 2206.12681): 3–5 MNIST digits at very different scales on a large black
// canvas; the class is the sum of the digits. Image i of a split is a pure function of
// (seed, split, i): its layout comes from a per-image random stream, so any image can be made on
// demand, in any order, on any thread.
//
// Following the reference generator (transmuteAI/ultramnist), except where noted:
//  - the class's digit multiset is drawn uniformly among the multisets of digits_min..digits_max
//    digits (each 0..9, a multiset counted once) whose sum is the class;
//  - each digit's scale factor is drawn from scale_weights over scale_min..scale_max; factor 1
//    becomes a 14×14 digit half the time (every other pixel), otherwise the side is 28·factor
//    with nearest-neighbour upscaling;
//  - positions are uniform over the canvas; a box overlapping an earlier box is rejected. We try
//    `placement_tries` positions per drawn scale, then redraw the scale, at most `scale_tries`
//    times (the reference redraws the scale after every rejection, without bound: our default
//    placement_tries = 1 is the same rule, bounded); if a digit still finds no room (an early
//    large digit can block every later one), the whole placement is redrawn, up to
//    kLayoutRestarts times, before layout() throws;
//  - pixels are summed and clipped to 255; the canvas is area-averaged to image_size.
// Differences: train and validation draw digits from disjoint pools (split_digit_pool: per class
// the first 80% of the MNIST digits train, the rest validate; the reference drew both from the
// MNIST training set), and boxes must be disjoint as half-open pixel ranges (the reference's IoU
// test let boxes share one edge row).
#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "datasets/mnist_digits.h"

namespace pgd::data {

struct UltraMnistParams {
  int64_t canvas_size = 4000;  // side of the square canvas the digits are drawn on
  int64_t image_size = 512;    // side of the output (area-averaged from the canvas)
  int64_t num_classes = 28;    // classes 0..num_classes-1 = digit sums
  int64_t digits_min = 3;
  int64_t digits_max = 5;
  int64_t scale_min = 1;
  int64_t scale_max = 75;
  std::vector<double> scale_weights;  // one per factor scale_min..scale_max, not normalized
  // Positions tried per drawn scale. 1 (the default) redraws the scale after every rejected
  // position, as the reference does, which keeps its effective scale distribution (large digits
  // are rejected more often on a crowded canvas); larger values favour large digits.
  int64_t placement_tries = 1;
  int64_t scale_tries = 10000;  // scales drawn per digit before giving up (DataError)
  // Chance that factor 1 becomes a 14×14 digit (every other pixel) rather than 28×28: 0.5 in the
  // reference generator; 0 keeps every digit at 28×28 or larger (the ultramnist-needle preset).
  double half_size_prob = 0.5;

  // Throws ConfigError naming `key_prefix` + the field (e.g. "dataset.canvas_size") when the
  // parameters cannot make a dataset.
  void validate(const std::string& key_prefix = "") const;
  // Over every field: keys the on-disk cache.
  uint64_t hash() const;
};

// The reference's V shape for factors lo..hi (n = hi-lo+1, k = ceil(n/2)): k, k-1, ..., 1, then
// 1, 2, ..., k-1 (and k again when n is even, as the PatchGD code pads it). n = 75 gives
// 38..1, 1..37; n = 9 gives [5,4,3,2,1,1,2,3,4].
std::vector<double> v_shape_weights(int64_t scale_min, int64_t scale_max);

// As published: 4000² canvas, 28 classes, 3–5 digits, factors 1..75 with V-shaped weights.
UltraMnistParams ultramnist_preset();
// The PatchGD code's variant: 512² canvas, 10 classes, 3–5 digits, factors 1..9,
// [5,4,3,2,1,1,2,3,4].
UltraMnistParams ultramnist10_preset();
// Ours, for CPU-sized experiments that need resolution: one 28×28 MNIST digit (the class) at a
// random place on a 64² canvas. Area-averaged 4× (16²), the digit is 7 px wide, and after an
// ImageNet backbone's stride-4 stem under 2 px.
UltraMnistParams ultramnist_needle_preset();

// The multisets (sorted ascending) of digits_min..digits_max digits, each 0..9, with sum `total`.
std::vector<std::vector<int>> digit_multisets(int64_t total, int64_t digits_min,
                                              int64_t digits_max);

struct DigitPlacement {
  int digit = 0;             // 0..9
  uint32_t mnist_index = 0;  // index into the DigitPool
  int64_t scale = 1;         // factor drawn, scale_min..scale_max
  int64_t side = 28;         // box side in canvas pixels: 28·scale, or 14 for the half-size case
  int64_t x = 0;             // left column of the box in the canvas
  int64_t y = 0;             // top row of the box in the canvas
};

// What one image holds, for labels, tests and the preview manifest.
struct UltraMnistSample {
  int64_t label = 0;  // = the sum of the digits
  std::vector<DigitPlacement> digits;
};

class UltraMnistGenerator {
 public:
  // `pool` is shared with other generators; `seed` picks the dataset.
  UltraMnistGenerator(UltraMnistParams params, std::shared_ptr<const DigitPool> pool,
                      uint64_t seed);

  const UltraMnistParams& params() const { return params_; }
  uint64_t seed() const { return seed_; }
  const DigitPool& pool() const { return *pool_; }
  // The pool indices of `digit` available to `split`.
  const std::vector<uint32_t>& split_digits(Split split, int digit) const;
  // The multisets of class c (each sorted ascending).
  const std::vector<std::vector<int>>& multisets(int64_t label) const;

  // The layout of image `index` of `split`, whose label is index % num_classes. Cheap: random
  // draws and box tests only. Throws DataError if a digit cannot be placed.
  UltraMnistSample layout(Split split, uint64_t index) const;

  // Draws a layout on the canvas and area-averages it to image_size.
  // out: image_size×image_size uint8, row-major.
  void render(const UltraMnistSample& sample, uint8_t* out) const;

  // layout + render.
  UltraMnistSample generate(Split split, uint64_t index, uint8_t* out) const;

  // Placements redrawn from scratch when a digit finds no room, before layout() gives up.
  static constexpr int kLayoutRestarts = 20;

 private:
  // Draws scale and position of digits[n] against digits[0..n); false if none fits.
  bool place_digit(std::mt19937_64& rng, std::vector<DigitPlacement>& digits, size_t n) const;

  UltraMnistParams params_;
  std::shared_ptr<const DigitPool> pool_;
  uint64_t seed_;
  std::vector<double> scale_cdf_;                         // cumulative, last = total weight
  std::vector<std::vector<std::vector<int>>> multisets_;  // [label] → multisets
  std::array<std::vector<uint32_t>, 10> train_digits_;
  std::array<std::vector<uint32_t>, 10> val_digits_;
};

// Area averaging of a square uint8 image: output pixel j covers source [j·r, (j+1)·r) with
// r = src_side / dst_side, each source pixel weighted by its overlap (up- and downscaling).
// Rows flagged false in `nonzero_rows` (src_side entries; empty = all) are known to be all zero
// and are skipped. src: src_side² uint8; dst: dst_side² uint8.
void resize_area(const uint8_t* src, int64_t src_side, uint8_t* dst, int64_t dst_side,
                 const std::vector<bool>& nonzero_rows = {});

}  // namespace pgd::data
