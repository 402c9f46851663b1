#pragma once
// Running a forward pass a second time, to recompute activations that were not kept
// (activation checkpointing, PatchGD's chunked inner step), must reproduce the first pass: the
// same random draws (dropout) and no second update of BatchNorm's running statistics (the known
// pitfall of recomputation: momentum would count the batch twice).
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/types.h>

namespace pgd::methods {

// The default generator's state of `device` (CPU, or the current CUDA device's).
struct RngSnapshot {
  torch::Device device = torch::kCPU;
  torch::Tensor state;
};
RngSnapshot capture_rng(torch::Device device);

// For the lifetime of the guard: the default generator of the snapshot's device is set to the
// snapshot (so the replay draws what the first pass drew), and every BatchNorm buffer under
// `module` (running mean, variance, batches tracked) is remembered. The destructor puts back
// both: the generator's state from before the guard and the BatchNorm buffers that changed.
// Run the replay's backward inside the guard's lifetime: BatchNorm's backward checks that the
// buffers it saved were not modified since, and restoring them modifies them.
class ReplayGuard {
 public:
  ReplayGuard(torch::nn::Module& module, const RngSnapshot& rng);
  ~ReplayGuard();
  ReplayGuard(const ReplayGuard&) = delete;
  ReplayGuard& operator=(const ReplayGuard&) = delete;

 private:
  RngSnapshot before_;
  std::vector<torch::Tensor> buffers_, saved_;  // the live buffers and their copies
};

}  // namespace pgd::methods
