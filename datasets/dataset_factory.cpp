// make_dataset: the one place that maps a `dataset` section's name to a Dataset.
#include <filesystem>

#include "datasets/dataset.h"
#include "datasets/panda_dataset.h"
#include "datasets/synthetic_dataset.h"
#include "datasets/ultramnist_dataset.h"

namespace pgd::data {
namespace fs = std::filesystem;

const char* split_name(Split s) { return s == Split::Train ? "train" : "val"; }

SlideWindow stream_window(const Dataset& ds, size_t i) {
  auto window = ds.slide_window(i);
  if (!window)
    throw DataError("sample '" + ds.sample_id(i) +
                    "': the dataset serves no slide to stream it from");
  return std::move(*window);
}

const std::vector<std::string>& ultramnist_family_names() {
  static const std::vector<std::string> names = {"ultramnist", "ultramnist10", "ultramnist-needle"};
  return names;
}

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = ultramnist_family_names();
    n.insert(n.end(), {"panda", "synthetic"});
    return n;
  }();
  return names;
}

std::unique_ptr<Dataset> make_dataset(const DatasetOptions& options, Split split, uint64_t seed) {
  // The UltraMNIST names differ only in their keys' values, so all go to the generator.
  if (auto* u = std::get_if<UltraMnistOptions>(&options.source))
    return make_ultramnist_dataset(*u, split, seed);
  if (auto* p = std::get_if<PandaOptions>(&options.source))
    return make_panda_dataset(*p, split, seed);
  return make_synthetic_dataset(std::get<SyntheticOptions>(options.source), split, seed);
}

fs::path resolve_data_path(const std::string& path) {
  fs::path p(path);
  if (p.is_absolute()) return p;
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  const fs::path from_cwd = ec ? p : (cwd / p).lexically_normal();
  if (fs::exists(from_cwd, ec)) return from_cwd;
#ifdef PATCHGD_SOURCE_DIR
  const fs::path from_source = (fs::path(PATCHGD_SOURCE_DIR) / p).lexically_normal();
  if (fs::exists(from_source, ec)) return from_source;
#endif
  // Neither exists (a cache folder not made yet, or a missing file): the working directory wins,
  // and the error that follows names this path.
  return from_cwd;
}

}  // namespace pgd::data
