#include "harness/runner/method_input.h"

#include <utility>
#include <vector>

#include <torch/torch.h>

#include "datasets/panda_dataset.h"

namespace pgd::runner {
namespace {

// Streaming serves PANDA slides only, so their patches take PANDA's normalization.
std::unique_ptr<SlidePatchSource> slide_source(const std::vector<data::SlideWindow>& windows,
                                               int64_t side) {
  return std::make_unique<SlidePatchSource>(windows, side, data::kPandaMean, data::kPandaStd);
}

}  // namespace

MethodInput::MethodInput(const data::Batch& batch, int64_t side)
    : images_(batch.images), labels_(batch.labels) {
  if (!batch.windows.empty()) source_ = slide_source(batch.windows, side);
}

MethodInput MethodInput::first_samples(const data::Dataset& ds, int64_t b, bool stream) {
  std::vector<torch::Tensor> images;
  std::vector<data::SlideWindow> windows;
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < b; ++i) {
    const size_t idx = static_cast<size_t>(i) % ds.size();
    if (stream)
      windows.push_back(data::stream_window(ds, idx));
    else
      images.push_back(ds.image(idx));
    labels.push_back(ds.label(idx));
  }
  MethodInput in;
  in.labels_ = torch::tensor(labels, torch::kInt64);
  if (stream)
    in.source_ = slide_source(windows, ds.image_size());
  else
    in.images_ = torch::stack(images);
  return in;
}

methods::TrainStepResult MethodInput::train(methods::Method& m) const {
  return source_ ? m.train_patches(*source_, labels_) : m.train_batch(images_, labels_);
}

torch::Tensor MethodInput::predict(methods::Method& m) const {
  return source_ ? m.predict_patches(*source_) : m.predict(images_);
}

SlidePatchSource::Stats MethodInput::stream_stats() const {
  return source_ ? source_->stats() : SlidePatchSource::Stats{};
}

}  // namespace pgd::runner
