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
  // With stream the cache is not used (its images are resized; streamed ones are not).
  PandaDataset(PandaOptions options, Split split);

  size_t size() const override { return rows_.size(); }
  int64_t num_classes() const override { return kPandaNumGrades; }
  int64_t image_size() const override { return options_.image_size; }
  int64_t label(size_t i) const override;          // isup_grade
  std::string sample_id(size_t i) const override;  // image_id
  // 3×S×S float, (rgb/255 - kPandaMean) / kPandaStd. Cached when cache_dir is set. Thread-safe:
  // each call opens its own OpenSlide handle. DataError names the slide on decode errors.
  // With stream: slide_window(i) materialised (read_slide_window), no cache.
  torch::Tensor image(size_t i) const override;
  // With stream: the slide and its level (choose_stream_level); otherwise none.
  std::optional<SlideWindow> slide_window(size_t i) const override;

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

// csv, slides_dir and cache_dir go through resolve_data_path (a cache folder that exists in
// neither place is made under the working directory). `seed` is unused: the split follows
// dataset.split_seed so that runs with different training seeds validate on the same slides, and
// nothing else is random.
std::unique_ptr<Dataset> make_panda_dataset(PandaOptions options, Split split, uint64_t seed);

}  // namespace pgd::data
