#pragma once
// GD baseline: the backbone on the whole image, either with its own pooled classifier
// (method.classifier=pooled) or with the PatchGD latent head over its final feature map
// (method.classifier=head, the default, as in the paper's appendix). Gradient accumulation over
// micro-batches of train.micro_batch images lets large images train at batch sizes that do not
// fit at once. Two more standard ways to fit a memory budget: activation checkpointing of the
// backbone (method.checkpoint), and training at a reduced resolution (method.input_size: each
// image area-resized before the backbone, at training and at prediction alike).
#include <cstdint>
#include <string>

#include <torch/types.h>

#include "methods/network.h"

namespace pgd::methods {

class GradientDescent : public NetworkMethod {
 public:
  // Reads options.classifier, micro_batch, gd, backbone, head (classifier = head), optimizer,
  // schedule, freeze_bn, memory_format, seed. Throws std::invalid_argument for an input_size
  // larger than ctx.image_size.
  GradientDescent(const MethodOptions& options, const MethodContext& ctx);

  std::string name() const override { return "gd"; }
  // images: B×3×S×S float; labels: B int64. Zero grads, accumulate over micro-batches, one
  // optimizer step, one schedule step.
  TrainStepResult train_batch(const torch::Tensor& images, const torch::Tensor& labels) override;
  // images: B×3×S×S float → logits B×classes on the CPU (eval mode, no grad, micro-batched).
  torch::Tensor predict(const torch::Tensor& images) override;

  // The gradient part of train_batch without the update: zeroes the gradients, then leaves in
  // them those of the batch's mean cross-entropy (each micro-batch's loss scaled by its share
  // m/B). Sets train mode. Returned optimizer_steps is 0.
  TrainStepResult accumulate_gradients(const torch::Tensor& images, const torch::Tensor& labels);

  int64_t micro_batch() const { return micro_batch_; }
  // The side the backbone sees (method.input_size, or the image's).
  int64_t input_side() const { return input_side_; }
  // Images per forward/backward from now on (0 = the whole batch).
  void set_micro_batch(int64_t micro_batch);

 protected:
  // Micro-batch by micro-batch, as accumulate_gradients sees them.
  void calibration_forward(const torch::Tensor& images) override;

 private:
  // x: b×3×S×S float → logits b×classes (resized to input_side_, checkpointed when asked and
  // grad mode is on)
  torch::Tensor forward(const torch::Tensor& x);

  int64_t micro_batch_ = 0;  // 0 = the whole batch
  int64_t input_side_ = 0;
  GdCheckpoint checkpoint_ = GdCheckpoint::Off;
};

// Side of a backbone's final feature map for an S×S input: every stride-2 stage of ResNet and
// MobileNetV2 (k3 p1, k7 p3, 1×1 or max-pool k3 p1) maps n to ⌈n/2⌉.
int64_t feature_map_side(int64_t image_size, int64_t output_stride);

}  // namespace pgd::methods
