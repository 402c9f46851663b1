// make_dataset: the one place that maps a `dataset` section's name to a Dataset.
#include <filesystem>

#include "datasets/dataset.h"
#include "datasets/panda_dataset.h"
#include "datasets/synthetic_dataset.h"
#include "datasets/ultramnist_dataset.h"

namespace pgd::data {
namespace fs = std::filesystem;

const char* split_name(Split s) { return s == Split::Train ? "train" : "val"; }

std::unique_ptr<Dataset> make_dataset(const config::ConfigView& dataset_cfg, Split split,
                                      uint64_t seed) {
  const std::string name =
      dataset_cfg.get_choice("name", {"ultramnist", "ultramnist10", "panda", "synthetic"});
  // The two UltraMNIST names differ only in their keys' values, so both go to the generator.
  if (name == "ultramnist" || name == "ultramnist10")
    return make_ultramnist_dataset(dataset_cfg, split, seed);
  if (name == "panda") return make_panda_dataset(dataset_cfg, split, seed);
  return make_synthetic_dataset(dataset_cfg, split, seed);
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
