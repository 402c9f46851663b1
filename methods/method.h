#pragma once
// The Method interface: one training batch, one prediction batch. GD and PatchGD implement it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <torch/types.h>

#include "methods/method_options.h"

namespace pgd::methods {

class PatchSource;  // methods/patch_source.h

struct TrainStepResult {
  double loss = 0;              // mean cross-entropy of the batch (PatchGD: last inner iteration)
  int64_t correct = 0;          // correct predictions (PatchGD: last inner iteration's logits)
  int64_t count = 0;            // images in the batch
  int64_t optimizer_steps = 0;  // optimizer updates made for this batch
};

struct MethodContext {
  int64_t num_classes = 0;
  int64_t image_size = 0;
  int64_t steps_per_epoch = 1;  // batches per epoch (drives the lr schedule)
  torch::Device device = torch::kCPU;
};

class Method {
 public:
  virtual ~Method() = default;
  virtual std::string name() const = 0;
  // images: B×3×S×S float on any device (moved to the method's device); labels: B int64.
  // Runs the whole update for the batch, including the lr-schedule step.
  virtual TrainStepResult train_batch(const torch::Tensor& images, const torch::Tensor& labels) = 0;
  // Eval mode, no gradients. Returns logits B×classes on the CPU.
  virtual torch::Tensor predict(const torch::Tensor& images) = 0;
  virtual int64_t parameter_count() const = 0;
  // The same two with the images read patch by patch from `source` (slides streamed window by
  // window, issue 16), never whole. Only methods that work on patches can: the default throws
  // std::invalid_argument naming the method.
  virtual bool can_stream() const { return false; }
  virtual TrainStepResult train_patches(const PatchSource& source, const torch::Tensor& labels);
  virtual torch::Tensor predict_patches(const PatchSource& source);
  // Precise BatchNorm (as detectron2's PreciseBN): the running statistics of every BatchNorm
  // that trains are recomputed as the plain average over the batches that `next_batch` yields
  // (B×3×S×S float; an undefined tensor ends them), each run forward as in training (train-mode
  // BatchNorm, PatchGD through its Z fill) but without gradients and with dropout off, so the
  // statistics are those of the activations evaluation will see. Parameters, optimizer state and
  // every random generator are left untouched. Returns the batches used (0: nothing changed).
  virtual int64_t recalibrate_batchnorm(const std::function<torch::Tensor()>& next_batch) = 0;
  // Model + optimizer + schedule state (and RNG, by the caller) for resuming.
  virtual void save_checkpoint(const std::string& path) const = 0;
  virtual void load_checkpoint(const std::string& path) = 0;
  // Weights only, for warm starts (train.init_from), from a file of save_checkpoint: every
  // backbone tensor must be there with its shape (else std::runtime_error naming them); head
  // tensors load where name and shape match, so a head whose Linear width changed with the grid
  // N (PANDA 512 → 2048) keeps its fresh Linear.
  virtual void load_weights(const std::string& path) = 0;
};

// Builds the method `options.kind` names.
std::unique_ptr<Method> make_method(const MethodOptions& options, const MethodContext& ctx);

}  // namespace pgd::methods
