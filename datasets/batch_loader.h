#pragma once
// Batches from a Dataset, the next one made on a worker thread while the current one trains.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <torch/types.h>

#include "datasets/dataset.h"

namespace pgd::data {

struct Batch {
  torch::Tensor images;              // B×3×S×S float32; undefined when streamed
  std::vector<SlideWindow> windows;  // streamed: where each sample's patches are read from
  torch::Tensor labels;         // B int64
  std::vector<size_t> indices;  // dataset indices of the samples
};

struct LoaderOptions {
  int64_t batch_size = 1;
  bool shuffle = false;  // a fresh permutation per epoch, from (seed, epoch)
  bool drop_last = false;
  int64_t max_batches = 0;  // 0 = all
  uint64_t seed = 0;
  // Windows instead of images: each sample's slide_window (DataError for a dataset that serves
  // none), so a batch never holds an image; PatchGD reads the patches itself.
  bool stream = false;
};

class BatchLoader {
 public:
  BatchLoader(const Dataset& dataset, LoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  void start_epoch(int64_t epoch);  // resets the order; prefetch of batch 0 begins
  std::optional<Batch> next();      // nullopt at the end of the epoch; rethrows data errors
  int64_t batches_per_epoch() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pgd::data
