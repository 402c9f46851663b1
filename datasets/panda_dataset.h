#pragma once
// PANDA: Kaggle's train.csv + multi-resolution slide TIFFs (read through OpenSlide).
#include <memory>

#include "datasets/dataset.h"

namespace pgd::data {

// cfg: the `dataset` section (name: panda); see experiments/dataset/panda.yaml for the keys.
std::unique_ptr<Dataset> make_panda_dataset(const config::ConfigView& cfg, Split split, uint64_t seed);

}  // namespace pgd::data
