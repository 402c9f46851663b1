#pragma once
// Synthetic images for tests and benchmarks, at any size and without files: class c is c+1
// bright squares (side max(1, S/8)) at random positions on a dim noise background. Label of
// image i is i % num_classes; image i of a split is a pure function of (seed, split, i).
//
// Pixel values before normalization: background uniform in [0, 0.3] (8-bit steps), squares 1.0.
// Normalized with mean 0.5 and std 0.25 in every channel (so values lie in [-2, 2]); the gray
// plane is repeated in 3 channels.
#include <cstdint>
#include <memory>
#include <string>

#include "datasets/dataset.h"

namespace pgd::data {

class SyntheticDataset : public Dataset {
 public:
  static constexpr float kMean = 0.5f;
  static constexpr float kStd = 0.25f;

  SyntheticDataset(int64_t image_size, int64_t num_classes, size_t size, Split split,
                   uint64_t seed);

  size_t size() const override { return size_; }
  int64_t num_classes() const override { return num_classes_; }
  int64_t image_size() const override { return image_size_; }
  int64_t label(size_t i) const override;
  std::string sample_id(size_t i) const override;  // "synthetic/<split>/<i>"
  torch::Tensor image(size_t i) const override;    // 3×S×S float32

  int64_t square_side() const;

 private:
  void check_index(size_t i) const;

  int64_t image_size_;
  int64_t num_classes_;
  size_t size_;
  Split split_;
  uint64_t seed_;
};

// From a `dataset` section with name synthetic: image_size, num_classes, train_size, val_size.
std::unique_ptr<SyntheticDataset> make_synthetic_dataset(const config::ConfigView& cfg, Split split,
                                                         uint64_t seed);

}  // namespace pgd::data
