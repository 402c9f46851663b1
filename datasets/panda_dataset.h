#pragma once
// PANDA: Kaggle's train.csv + multi-resolution slide TIFFs (read through OpenSlide).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/panda_table.h"
#include "datasets/panda_slide.h"

namespace pgd::data {

// The reference's normalization (PAPER.md, PANDA), per RGB channel on [0, 1] pixel values.
inline constexpr float kPandaMean[3] = {0.9770f, 0.9550f, 0.9667f};
inline constexpr float kPandaStd[3] = {0.0783f, 0.1387f, 0.1006f};

// The `dataset` keys (experiments/dataset/panda.yaml), checked.
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
};

// Reads and checks the keys; ConfigError names the key. csv and slides_dir are required; the
// others default to panda.yaml's values. Paths are taken as written (see make_panda_dataset).
PandaOptions panda_options(const config::ConfigView& cfg);

// A slide left out because skip_bad was set.
struct PandaBadSample {
  std::string image_id;
  std::filesystem::path slide;
  std::string reason;  // the DataError text
};

class PandaDataset final : public Dataset {
 public:
  // Reads the CSV (DataError for bad rows, naming file:line), assigns the stratified folds over
  // every row, keeps this split's rows in CSV order, and checks them until `limit` are kept:
  // a row whose cache entry exists needs no slide; otherwise a missing slide throws DataError
  // naming it, or with skip_bad is recorded and skipped, and with skip_bad the slide is also
  // opened and its level chosen, so unreadable slides are skipped now instead of failing later.
  PandaDataset(PandaOptions options, Split split);

  size_t size() const override { return rows_.size(); }
  int64_t num_classes() const override { return kPandaNumGrades; }
  int64_t image_size() const override { return options_.image_size; }
  int64_t label(size_t i) const override;          // isup_grade
  std::string sample_id(size_t i) const override;  // image_id
  // 3×S×S float, (rgb/255 - kPandaMean) / kPandaStd. Cached when cache_dir is set. Thread-safe:
  // each call opens its own OpenSlide handle. DataError names the slide on decode errors.
  torch::Tensor image(size_t i) const override;

  // The preprocessed S×S×3 uint8 image before normalization (cache first, then the slide).
  PandaImage image_rgb(size_t i) const;

  const PandaRow& row(size_t i) const;
  std::filesystem::path slide_path(size_t i) const;
  std::filesystem::path cache_path(size_t i) const;  // empty without a cache_dir
  const std::vector<PandaBadSample>& bad_samples() const { return bad_; }
  const PandaOptions& options() const { return options_; }

 private:
  PandaOptions options_;
  std::vector<PandaRow> rows_;
  std::vector<PandaBadSample> bad_;
};

// cfg: the `dataset` section (name: panda); see experiments/dataset/panda.yaml for the keys.
// csv, slides_dir and cache_dir go through resolve_data_path (a cache folder that exists in
// neither place is made under the working directory). `seed` is unused: the split follows
// dataset.split_seed so that runs with different training seeds validate on the same slides, and
// nothing else is random.
std::unique_ptr<Dataset> make_panda_dataset(const config::ConfigView& cfg, Split split,
                                            uint64_t seed);

}  // namespace pgd::data
