#pragma once
// ResNet-18/34/50 in torchvision's layout (v1.5: Bottleneck strides in its 3×3 conv), with
// torchvision's parameter and buffer names, so torchvision weights load by name.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "methods/backbones/backbone.h"

namespace pgd::backbones {

namespace detail {

// What distinguishes the ResNet depths; shared by the modules and the analytic FLOP counter.
struct ResNetSpec {
  bool bottleneck = false;      // Bottleneck (expansion 4) or BasicBlock (expansion 1)
  std::vector<int64_t> blocks;  // blocks per stage, layer1..layer4
  int64_t expansion() const { return bottleneck ? 4 : 1; }
};

// Throws std::invalid_argument for a name other than resnet18 | resnet34 | resnet50.
ResNetSpec resnet_spec(const std::string& name);

// Channels of each stage before expansion (torchvision's `planes`), at width 1.
inline constexpr int64_t kResNetPlanes[4] = {64, 128, 256, 512};
inline constexpr int64_t kResNetStrides[4] = {1, 2, 2, 2};
// A width multiplier scales the stem (64) and every stage's planes alike, rounded, at least 1
// (not in torchvision: only width 1 loads its weights). Narrow ResNets are for CPU-sized runs.
int64_t resnet_channels(int64_t channels_at_width_one, double width);

}  // namespace detail

struct BasicBlockImpl : torch::nn::Module {
  static constexpr int64_t expansion = 1;
  BasicBlockImpl(int64_t inplanes, int64_t planes, int64_t stride,
                 torch::nn::Sequential downsample);
  // x: B×inplanes×H×W → B×planes×(H/stride)×(W/stride)
  torch::Tensor forward(torch::Tensor x);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Sequential downsample{nullptr};  // registered only when the shape changes
};
TORCH_MODULE(BasicBlock);

struct BottleneckImpl : torch::nn::Module {
  static constexpr int64_t expansion = 4;
  BottleneckImpl(int64_t inplanes, int64_t planes, int64_t stride,
                 torch::nn::Sequential downsample);
  // x: B×inplanes×H×W → B×(4·planes)×(H/stride)×(W/stride)
  torch::Tensor forward(torch::Tensor x);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  torch::nn::Sequential downsample{nullptr};
};
TORCH_MODULE(Bottleneck);

// Children: conv1, bn1, layer1..layer4, and `fc` in Classifier (→ num_classes) and Encoder
// (→ out_dim) modes; FeatureMap mode registers no `fc`.
struct ResNetImpl : Backbone {
  explicit ResNetImpl(const BackboneOptions& options);
  // x: B×3×H×W float. Classifier: B×num_classes; Encoder: B×out_dim; FeatureMap: B×C×⌈H/32⌉×⌈W/32⌉
  torch::Tensor forward(torch::Tensor x) override;
  // Stages: stem (conv1, bn1, relu, max-pool), layer1..layer4. Blocks: the stem, then each block.
  std::vector<BackboneSegment> feature_segments(SegmentGranularity granularity) override;
  torch::Tensor forward_from_features(torch::Tensor features) override;
  BackboneMode mode() const override { return options_.mode; }
  int64_t feature_channels() const override;

  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  torch::nn::Linear fc{nullptr};

 private:
  torch::nn::Sequential make_layer(int64_t planes, int64_t blocks, int64_t stride);

  BackboneOptions options_;
  detail::ResNetSpec spec_;
  int64_t inplanes_ = 0;  // set from the stem's width
};
TORCH_MODULE(ResNet);

}  // namespace pgd::backbones
