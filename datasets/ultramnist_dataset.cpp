#include "datasets/ultramnist_dataset.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "datasets/sample_rng.h"

namespace pgd::data {
namespace fs = std::filesystem;
namespace {

std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Reads the file if it holds exactly `n` bytes; false otherwise (absent, partial, other size).
bool read_cached(const fs::path& file, size_t n, std::vector<uint8_t>& out) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec || size != n) return false;
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  out.resize(n);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
  return static_cast<size_t>(in.gcount()) == n;
}

// Written under a unique temporary name and renamed, so a reader (another thread or process)
// sees either no file or the whole file.
void write_cached(const fs::path& file, const std::vector<uint8_t>& bytes) {
  static std::atomic<uint64_t> counter{0};
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec)
    throw DataError("UltraMNIST cache: cannot create folder '" + file.parent_path().string() +
                    "': " + ec.message());
  uint64_t tag = hash_combine(std::hash<std::thread::id>{}(std::this_thread::get_id()), counter++);
  fs::path tmp = file;
  tmp += ".tmp" + hex16(tag);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) throw DataError("UltraMNIST cache: cannot write '" + tmp.string() + "'");
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw DataError("UltraMNIST cache: cannot rename into '" + file.string() + "'");
  }
}

}  // namespace

UltraMnistDataset::UltraMnistDataset(std::shared_ptr<const UltraMnistGenerator> generator,
                                     Split split, int64_t per_class,
                                     std::optional<fs::path> cache_dir)
    : generator_(std::move(generator)), split_(split) {
  if (!generator_) throw DataError("UltraMNIST dataset: no generator");
  if (per_class < 0) throw DataError("UltraMNIST dataset: negative images per class");
  size_ = static_cast<size_t>(per_class * generator_->params().num_classes);
  if (cache_dir) {
    uint64_t key = hash_combine(hash_combine(generator_->params().hash(), generator_->seed()),
                                generator_->pool().content_hash());
    cache_root_ = *cache_dir / ("ultramnist-" + hex16(key)) / split_name(split);
  }
}

void UltraMnistDataset::check_index(size_t i) const {
  if (i >= size_)
    throw std::out_of_range("UltraMNIST " + std::string(split_name(split_)) + ": index " +
                            std::to_string(i) + " >= size " + std::to_string(size_));
}

int64_t UltraMnistDataset::label(size_t i) const {
  check_index(i);
  return static_cast<int64_t>(i % static_cast<size_t>(generator_->params().num_classes));
}

std::string UltraMnistDataset::sample_id(size_t i) const {
  check_index(i);
  return std::string("ultramnist/") + split_name(split_) + "/" + std::to_string(i);
}

fs::path UltraMnistDataset::cache_file(size_t i) const {
  if (!cache_root_) return {};
  char name[32];
  std::snprintf(name, sizeof name, "%08zu.u8", i);
  return *cache_root_ / name;
}

UltraMnistSample UltraMnistDataset::sample(size_t i) const {
  check_index(i);
  return generator_->layout(split_, i);
}

std::vector<uint8_t> UltraMnistDataset::raw_image(size_t i) const {
  check_index(i);
  const int64_t s = generator_->params().image_size;
  const size_t n = static_cast<size_t>(s * s);
  std::vector<uint8_t> pixels;
  if (cache_root_ && read_cached(cache_file(i), n, pixels)) return pixels;
  pixels.resize(n);
  generator_->generate(split_, i, pixels.data());
  if (cache_root_) write_cached(cache_file(i), pixels);
  return pixels;
}

torch::Tensor UltraMnistDataset::image(size_t i) const {
  const std::vector<uint8_t> pixels = raw_image(i);
  const int64_t s = generator_->params().image_size;
  std::array<float, 256> lut;
  for (int v = 0; v < 256; ++v) lut[v] = (static_cast<float>(v) / 255.0f - kMean) / kStd;
  torch::Tensor out = torch::empty({3, s, s}, torch::kFloat32);  // 3×S×S
  float* plane = out.data_ptr<float>();
  const size_t n = pixels.size();
  for (size_t q = 0; q < n; ++q) plane[q] = lut[pixels[q]];
  // Gray → 3 channels: the backbones are ImageNet-shaped.
  std::memcpy(plane + n, plane, n * sizeof(float));
  std::memcpy(plane + 2 * n, plane, n * sizeof(float));
  return out;
}

std::unique_ptr<UltraMnistDataset> make_ultramnist_dataset(const UltraMnistOptions& options,
                                                           Split split, uint64_t seed) {
  const int64_t per_class = split == Split::Train ? options.train_per_class : options.val_per_class;
  const fs::path mnist = resolve_data_path(options.mnist_path.string());
  std::optional<fs::path> cache;
  if (options.cache_dir) cache = resolve_data_path(options.cache_dir->string());
  auto generator =
      std::make_shared<const UltraMnistGenerator>(options.params, shared_mnist_digits(mnist), seed);
  return std::make_unique<UltraMnistDataset>(std::move(generator), split, per_class, cache);
}

}  // namespace pgd::data
