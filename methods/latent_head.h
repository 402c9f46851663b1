#pragma once
// The PatchGD head over a latent map (Z for PatchGD, the final feature map for GD with
// classifier=head), as in the reference code's CNN_Block:
//   layer 1:     Conv3×3 stride 1 pad 1 (D → C) → ReLU → BatchNorm → Dropout2d(p)
//   layers 2..L: Conv3×3 stride 2 pad 1 (C → C) → ReLU → BatchNorm → Dropout2d(p)
//   flatten → Linear(C·h·w → classes)
// Parameter names follow the reference: layers.<i>.0 (conv), layers.<i>.2 (BatchNorm), linear.
#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "harness/config/config_view.h"

namespace pgd::methods {

struct LatentHeadOptions {
  int64_t latent_dim = 256;  // D: input channels
  int64_t channels = 256;    // C
  int64_t layers = 4;        // L >= 1
  double dropout = 0.2;      // Dropout2d p; 0 leaves the dropout modules out
  int64_t num_classes = 10;
  int64_t grid_h = 16;  // input map height (N for PatchGD)
  int64_t grid_w = 16;
};

// From cfg.head (layers, channels, dropout); latent_dim, classes and grid are given by the
// method (PatchGD: head.latent_dim and N; GD: the backbone's channels and feature-map size).
LatentHeadOptions make_latent_head_options(const config::ConfigView& head, int64_t latent_dim,
                                           int64_t num_classes, int64_t grid_h, int64_t grid_w);

// Side of the map after the head's convolutions: stride 1, then L−1 times ⌊(n−1)/2⌋+1.
int64_t latent_head_output_side(int64_t side, int64_t layers);

struct LatentHeadImpl : torch::nn::Module {
  explicit LatentHeadImpl(const LatentHeadOptions& options);
  // z: B×D×grid_h×grid_w float → logits B×classes
  torch::Tensor forward(const torch::Tensor& z);

  LatentHeadOptions options;
  torch::nn::ModuleList layers{nullptr};      // registered: layers.<i>.<j>
  std::vector<torch::nn::Sequential> blocks;  // the same blocks, typed for forward
  torch::nn::Linear linear{nullptr};
};
TORCH_MODULE(LatentHead);

}  // namespace pgd::methods
