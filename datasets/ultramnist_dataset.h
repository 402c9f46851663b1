#pragma once
// UltraMNIST as a Dataset: balanced classes (image i has label i % num_classes), images made on
// demand by the generator, optionally kept in an on-disk cache of raw uint8 files.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/ultramnist_generator.h"

namespace pgd::data {

// The generator parameters from a `dataset` section (experiments/dataset/ultramnist*.yaml keys:
// image_size, canvas_size, num_classes, digits_min, digits_max, scale_min, scale_max,
// scale_weights = v_shape | uniform | [weights]; optional placement_tries, scale_tries).
// Throws ConfigError naming the key.
UltraMnistParams ultramnist_params_from_config(const config::ConfigView& cfg);

class UltraMnistDataset : public Dataset {
 public:
  // Normalization of the published UltraMNIST code (MNIST's statistics).
  static constexpr float kMean = 0.1307f;
  static constexpr float kStd = 0.3081f;

  // `cache_dir`: when set, image i is read from / written to
  // cache_dir/ultramnist-<key>/<split>/<i>.u8 (image_size² raw bytes), where <key> hashes the
  // parameters, the seed and the digit pool's content.
  UltraMnistDataset(std::shared_ptr<const UltraMnistGenerator> generator, Split split,
                    int64_t per_class,
                    std::optional<std::filesystem::path> cache_dir = std::nullopt);

  size_t size() const override { return size_; }
  int64_t num_classes() const override { return generator_->params().num_classes; }
  int64_t image_size() const override { return generator_->params().image_size; }
  int64_t label(size_t i) const override;
  std::string sample_id(size_t i) const override;  // "ultramnist/<split>/<i>"
  // 3×S×S float32: (v/255 − 0.1307)/0.3081, the gray plane repeated in 3 channels.
  torch::Tensor image(size_t i) const override;

  // image_size² uint8, row-major (from the cache when it holds the image).
  std::vector<uint8_t> raw_image(size_t i) const;
  // Digits, scales and boxes of image i (no pixels are made).
  UltraMnistSample sample(size_t i) const;
  const UltraMnistGenerator& generator() const { return *generator_; }
  Split split() const { return split_; }
  // Where image i is cached; empty without a cache.
  std::filesystem::path cache_file(size_t i) const;

 private:
  void check_index(size_t i) const;

  std::shared_ptr<const UltraMnistGenerator> generator_;
  Split split_;
  size_t size_;
  std::optional<std::filesystem::path> cache_root_;  // cache_dir/ultramnist-<key>/<split>
};

// From a `dataset` section with name ultramnist or ultramnist10 (also reads train_per_class,
// val_per_class, mnist_path and cache_dir).
std::unique_ptr<UltraMnistDataset> make_ultramnist_dataset(const config::ConfigView& cfg,
                                                           Split split, uint64_t seed);

}  // namespace pgd::data
