#include "methods/latent_head.h"

#include <torch/torch.h>

namespace pgd::methods {

LatentHeadOptions make_latent_head_options(const HeadSpec& head, int64_t latent_dim,
                                           int64_t num_classes, int64_t grid_h, int64_t grid_w) {
  LatentHeadOptions o;
  o.layers = head.layers;
  o.channels = head.channels;
  o.dropout = head.dropout;
  o.latent_dim = latent_dim;
  o.num_classes = num_classes;
  o.grid_h = grid_h;
  o.grid_w = grid_w;
  return o;
}

int64_t latent_head_output_side(int64_t side, int64_t layers) {
  for (int64_t i = 1; i < layers; ++i) side = (side - 1) / 2 + 1;  // k3 s2 p1
  return side;
}

LatentHeadImpl::LatentHeadImpl(const LatentHeadOptions& opts) : options(opts) {
  TORCH_CHECK(opts.layers >= 1 && opts.channels >= 1 && opts.latent_dim >= 1 &&
                  opts.num_classes >= 1 && opts.grid_h >= 1 && opts.grid_w >= 1,
              "LatentHead: every size must be positive");
  // Dropout2d takes p in [0, 1); 1 would zero every map.
  TORCH_CHECK(opts.dropout >= 0 && opts.dropout < 1, "LatentHead: dropout must be in [0, 1)");
  layers = torch::nn::ModuleList();
  for (int64_t i = 0; i < opts.layers; ++i) {
    const int64_t in = i == 0 ? opts.latent_dim : opts.channels;
    const int64_t stride = i == 0 ? 1 : 2;
    torch::nn::Sequential block(
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, opts.channels, 3).stride(stride).padding(1)),
        torch::nn::ReLU(), torch::nn::BatchNorm2d(opts.channels));
    if (opts.dropout > 0) block->push_back(torch::nn::Dropout2d(opts.dropout));
    layers->push_back(block);
    blocks.push_back(block);
  }
  register_module("layers", layers);
  const int64_t h = latent_head_output_side(opts.grid_h, opts.layers);
  const int64_t w = latent_head_output_side(opts.grid_w, opts.layers);
  linear = register_module("linear", torch::nn::Linear(opts.channels * h * w, opts.num_classes));
}

torch::Tensor LatentHeadImpl::forward(const torch::Tensor& z) {
  TORCH_CHECK(z.dim() == 4 && z.size(1) == options.latent_dim && z.size(2) == options.grid_h &&
                  z.size(3) == options.grid_w,
              "LatentHead: expected B×", options.latent_dim, "×", options.grid_h, "×",
              options.grid_w, ", got ", z.sizes());
  torch::Tensor x = z;
  for (auto& block : blocks) x = block->forward(x);
  return linear->forward(x.flatten(1));
}

}  // namespace pgd::methods
