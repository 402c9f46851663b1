#pragma once
// Checkpoint files (torch::serialize archives, one file):
//   model/     the network's parameters and buffers, nested by module as Module::save writes them
//   optimizer/ Adam's param groups and state + the schedule position (ScheduledAdam::save)
//   rng_state  the method's generator state (uint8), when it has one
//   global_rng_state  the process's default CPU generator (dropout), restored by read_checkpoint
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "methods/scheduled_optimizer.h"

namespace pgd::methods {

// rng_state: an undefined tensor writes none. Written to `path`.partial, then renamed over `path`.
void write_checkpoint(const std::string& path, const torch::nn::Module& model,
                      const ScheduledAdam& optimizer, const torch::Tensor& rng_state);

// For resuming the same run: every model tensor must be in the file with the same shape (throws
// std::runtime_error naming the first offenders). Tensors are copied into the existing ones,
// so the optimizer keeps pointing at the model's parameters. Restores the default CPU generator
// when the file holds its state (files written before it did resume without). Returns the saved rng
// state (undefined when the file has none). `device`: where the optimizer state is loaded to.
torch::Tensor read_checkpoint(const std::string& path, torch::nn::Module& model,
                              ScheduledAdam& optimizer, torch::Device device);

struct WeightLoadReport {
  std::vector<std::string> loaded;   // dotted names copied from the file
  std::vector<std::string> skipped;  // names outside `required_prefix` absent or of another shape
};

// Warm start from a checkpoint's model tensors (weights only, no optimizer state): names under
// `required_prefix` (the backbone) must all be in the file with equal shapes, and at least one
// must exist, else std::runtime_error naming the first offenders. Other tensors (the head) load
// where name and shape match and are skipped otherwise: the head's Linear is C·h·w wide, and h, w
// follow the grid N, which changes with the image size (PANDA 512 → 2048).
WeightLoadReport read_weights(const std::string& path, torch::nn::Module& model,
                              const std::string& required_prefix = "backbone.");

}  // namespace pgd::methods
