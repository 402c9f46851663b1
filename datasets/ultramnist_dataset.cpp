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

UltraMnistParams ultramnist_params_from_config(const config::ConfigView& cfg) {
  UltraMnistParams p;
  p.image_size = cfg.get_int_in("image_size", 1, 1 << 16);
  p.canvas_size = cfg.get_int_in("canvas_size", 14, 1 << 16);
  p.digits_min = cfg.get_int_in("digits_min", 1, 10);
  p.digits_max = cfg.get_int_in("digits_max", p.digits_min, 10);
  p.num_classes = cfg.get_int_in("num_classes", 1, 9 * p.digits_max + 1);
  p.scale_min = cfg.get_int_in("scale_min", 1, p.canvas_size / 28);
  p.scale_max = cfg.get_int_in("scale_max", p.scale_min, p.canvas_size / 28);
  if (cfg.has("scale_weights") && cfg.raw()["scale_weights"].is_string()) {
    std::string shape = cfg.get_choice("scale_weights", {"v_shape", "uniform"});
    if (shape == "v_shape")
      p.scale_weights = v_shape_weights(p.scale_min, p.scale_max);
    else
      p.scale_weights.assign(static_cast<size_t>(p.scale_max - p.scale_min + 1), 1.0);
  } else {
    p.scale_weights = cfg.get_double_list("scale_weights");
  }
  p.placement_tries = cfg.get_int_or("placement_tries", p.placement_tries);
  p.scale_tries = cfg.get_int_or("scale_tries", p.scale_tries);
  if (cfg.has("half_size_prob")) p.half_size_prob = cfg.get_double_in("half_size_prob", 0, 1);
  p.validate(cfg.path().empty() ? "" : cfg.path() + ".");
  return p;
}

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

std::unique_ptr<UltraMnistDataset> make_ultramnist_dataset(const config::ConfigView& cfg,
                                                           Split split, uint64_t seed) {
  UltraMnistParams params = ultramnist_params_from_config(cfg);
  const char* per_class_key = split == Split::Train ? "train_per_class" : "val_per_class";
  int64_t per_class = cfg.get_int_in(per_class_key, 0, int64_t(1) << 32);
  fs::path mnist = resolve_data_path(cfg.get_string("mnist_path"));
  std::optional<fs::path> cache;
  if (!cfg.is_null("cache_dir")) cache = resolve_data_path(cfg.get_string("cache_dir"));
  auto generator = std::make_shared<const UltraMnistGenerator>(std::move(params),
                                                               shared_mnist_digits(mnist), seed);
  return std::make_unique<UltraMnistDataset>(std::move(generator), split, per_class, cache);
}

}  // namespace pgd::data
