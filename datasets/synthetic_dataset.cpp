#include "datasets/synthetic_dataset.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include "datasets/sample_rng.h"

namespace pgd::data {

SyntheticDataset::SyntheticDataset(int64_t image_size, int64_t num_classes, size_t size,
                                   Split split, uint64_t seed)
    : image_size_(image_size), num_classes_(num_classes), size_(size), split_(split), seed_(seed) {
  if (image_size < 1) throw std::invalid_argument("SyntheticDataset: image_size must be >= 1");
  if (num_classes < 1) throw std::invalid_argument("SyntheticDataset: num_classes must be >= 1");
}

void SyntheticDataset::check_index(size_t i) const {
  if (i >= size_)
    throw std::out_of_range("synthetic " + std::string(split_name(split_)) + ": index " +
                            std::to_string(i) + " >= size " + std::to_string(size_));
}

int64_t SyntheticDataset::label(size_t i) const {
  check_index(i);
  return static_cast<int64_t>(i % static_cast<size_t>(num_classes_));
}

std::string SyntheticDataset::sample_id(size_t i) const {
  check_index(i);
  return std::string("synthetic/") + split_name(split_) + "/" + std::to_string(i);
}

int64_t SyntheticDataset::square_side() const { return std::max<int64_t>(1, image_size_ / 8); }

torch::Tensor SyntheticDataset::image(size_t i) const {
  const int64_t cls = label(i);
  const int64_t s = image_size_;
  const size_t n = static_cast<size_t>(s * s);
  std::mt19937_64 rng =
      make_sample_rng(seed_, RngDomain::Synthetic, split_ == Split::Train ? 0 : 1, i);

  std::array<float, 256> lut;  // noise byte → normalized background value
  for (int v = 0; v < 256; ++v) lut[v] = (0.3f * static_cast<float>(v) / 255.0f - kMean) / kStd;
  const float bright = (1.0f - kMean) / kStd;

  torch::Tensor out = torch::empty({3, s, s}, torch::kFloat32);  // 3×S×S
  float* plane = out.data_ptr<float>();
  // Background: a SplitMix64 counter stream, 8 noise bytes per step; far cheaper per pixel than
  // the Mersenne twister, and still a pure function of the image's stream.
  uint64_t state = rng();
  for (size_t q = 0; q < n; q += 8) {
    uint64_t word = splitmix64(state++);
    for (size_t b = 0; b < 8 && q + b < n; ++b) plane[q + b] = lut[(word >> (8 * b)) & 0xff];
  }
  const int64_t side = square_side();
  for (int64_t k = 0; k <= cls; ++k) {
    int64_t x = uniform_int(rng, 0, s - side);
    int64_t y = uniform_int(rng, 0, s - side);
    for (int64_t r = y; r < y + side; ++r)
      std::fill(plane + r * s + x, plane + r * s + x + side, bright);
  }
  std::memcpy(plane + n, plane, n * sizeof(float));
  std::memcpy(plane + 2 * n, plane, n * sizeof(float));
  return out;
}

std::unique_ptr<SyntheticDataset> make_synthetic_dataset(const config::ConfigView& cfg, Split split,
                                                         uint64_t seed) {
  int64_t image_size = cfg.get_int_in("image_size", 1, 1 << 16);
  int64_t num_classes = cfg.get_int_in("num_classes", 1, 1 << 20);
  int64_t size =
      cfg.get_int_in(split == Split::Train ? "train_size" : "val_size", 0, int64_t(1) << 40);
  return std::make_unique<SyntheticDataset>(image_size, num_classes, static_cast<size_t>(size),
                                            split, seed);
}

}  // namespace pgd::data
