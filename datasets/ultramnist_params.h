#pragma once
// UltraMNIST's generator parameters and presets (see ultramnist_generator.h for the rules they
// drive). Plain data, without LibTorch, so the config reader can check them.
#include <cstdint>
#include <string>
#include <vector>

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

  // Throws std::invalid_argument naming `key_prefix` + the field (e.g. "dataset.canvas_size")
  // when the parameters cannot make a dataset.
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

}  // namespace pgd::data
