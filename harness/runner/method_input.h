#pragma once
// What the runner hands its method for one step or one prediction: a batch of images, or, for a
// streamed run (issue 16), the slides the batch's patches are read from. Training, evaluation,
// the batch search's probes and the latency steps all go through it, so no phase has a streamed
// branch of its own.
#include <cstdint>
#include <memory>

#include <torch/types.h>

#include "datasets/batch_loader.h"
#include "datasets/dataset.h"
#include "harness/runner/slide_patch_source.h"
#include "methods/method.h"

namespace pgd::runner {

class MethodInput {
 public:
  // The loader's batch: its images, or its windows read at `side` (normalized as PANDA's images
  // are). Opening a window's slide can throw data::DataError naming it.
  MethodInput(const data::Batch& batch, int64_t side);
  // The first `b` samples of `ds` (repeated when it is smaller), as the loader would serve them.
  static MethodInput first_samples(const data::Dataset& ds, int64_t b, bool stream);

  methods::TrainStepResult train(methods::Method& m) const;
  torch::Tensor predict(methods::Method& m) const;

  const torch::Tensor& labels() const { return labels_; }
  const torch::Tensor& images() const { return images_; }  // undefined when streamed
  // What reading the slides cost so far (zeros for images).
  SlidePatchSource::Stats stream_stats() const;

 private:
  MethodInput() = default;

  torch::Tensor images_, labels_;
  std::unique_ptr<SlidePatchSource> source_;
};

}  // namespace pgd::runner
