#pragma once
// Activation checkpointing (gradient checkpointing) for LibTorch's C++ API, which has no
// torch.utils.checkpoint: a segment runs forward without keeping its activations, and backward
// runs it again from its saved input, with gradients, to get them back. Memory: only each
// segment's input is kept, plus one segment's activations during its backward; time: about one
// more forward pass.
#include <functional>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "methods/backbones/backbone.h"

namespace pgd::methods {

// `segment(x)` whose backward recomputes it. The replay sees the random draws of the first
// pass and leaves the BatchNorm running statistics under `batchnorm_owner` as the first pass
// left them (ReplayGuard), so a step updates them once, as without checkpointing. The output
// requires grad even when x does not (parameters inside the segment still get gradients).
torch::Tensor checkpoint(const std::function<torch::Tensor(const torch::Tensor&)>& segment,
                         const torch::Tensor& x, torch::nn::Module& batchnorm_owner);

// backbone->forward(x) with each feature segment but the last checkpointed (the last one's
// activations are needed at once by backward, so keeping them costs nothing extra). Without grad
// mode this is the plain forward.
torch::Tensor checkpointed_forward(backbones::Backbone& backbone,
                                   backbones::SegmentGranularity granularity,
                                   const torch::Tensor& x);

}  // namespace pgd::methods
