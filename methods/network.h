#pragma once
// What GD and PatchGD share: the trained network (backbone + optional latent head as one
// module, so tensors are named "backbone.*" and "head.*"), train/eval mode switching with the
// optional frozen backbone BatchNorm, the optimizer, and checkpoints.
#include <cstdint>
#include <memory>
#include <string>

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "methods/backbones/backbone.h"
#include "methods/latent_head.h"
#include "methods/method.h"
#include "methods/scheduled_optimizer.h"

namespace pgd::methods {

struct NetworkImpl : torch::nn::Module {
  // `head` may be empty (GD with the backbone's own pooled classifier).
  NetworkImpl(std::shared_ptr<backbones::Backbone> backbone, LatentHead head);

  std::shared_ptr<backbones::Backbone> backbone;
  LatentHead head{nullptr};
};
TORCH_MODULE(Network);

// The layout the top-level `memory_format` (auto | contiguous | channels_last; absent = auto)
// asks for on `device`.
c10::MemoryFormat read_memory_format(const config::ConfigView& cfg, torch::Device device);
// Puts every 4-D parameter (the convolutions' weights) under `module` in `format`.
void to_memory_format(torch::nn::Module& module, c10::MemoryFormat format);

// Puts every BatchNorm (1d/2d/3d) under `module` in eval mode: running statistics are used and
// not updated, while their affine parameters still train.
void freeze_batchnorm(torch::nn::Module& module);

class NetworkMethod : public Method {
 public:
  int64_t parameter_count() const override;
  int64_t recalibrate_batchnorm(const std::function<torch::Tensor()>& next_batch) override;
  void save_checkpoint(const std::string& path) const override;
  // Same architecture only: every tensor must be present with its shape. Restores the model,
  // Adam's state, the schedule position and the method's sampling generator.
  void load_checkpoint(const std::string& path) override;
  // Warm start (train.init_from), see read_weights in checkpoint.h: backbone tensors must all
  // match by name and shape; head tensors load where they match (the head's Linear width
  // follows the grid N, so 512 → 2048 warm starts keep a fresh Linear).
  void load_weights(const std::string& path) override;

  Network& network() { return network_; }
  ScheduledAdam& optimizer() { return *optimizer_; }
  torch::Device device() const { return device_; }
  bool freeze_bn() const { return freeze_bn_; }
  c10::MemoryFormat memory_format() const { return memory_format_; }

  // Train mode for the whole network, but the backbone's BatchNorm stays in eval mode when
  // method.freeze_bn is set.
  void set_train_mode();
  void set_eval_mode();

 protected:
  // One calibration batch through the network as training would see it, without gradients
  // (called in train mode, under NoGradGuard). images: B×3×S×S float, any device.
  virtual void calibration_forward(const torch::Tensor& images) = 0;

  // A batch of images or patches in the layout the convolutions' weights use (a copy only when
  // the layouts differ).
  torch::Tensor in_model_layout(const torch::Tensor& x) const {
    return x.contiguous(memory_format_);
  }

  // Moves the network to ctx.device and builds the optimizer over its backbone and head groups.
  // `seed` seeds the method's own generator (PatchGD's patch permutations).
  NetworkMethod(const config::ConfigView& cfg, const MethodContext& ctx, Network network);

  Network network_{nullptr};
  std::unique_ptr<ScheduledAdam> optimizer_;
  torch::Device device_ = torch::kCPU;
  bool freeze_bn_ = false;
  c10::MemoryFormat memory_format_ = c10::MemoryFormat::Contiguous;
  at::Generator generator_;
};

}  // namespace pgd::methods
