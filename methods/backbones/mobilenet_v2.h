#pragma once
// MobileNetV2 as torchvision builds it (torchvision/models/mobilenetv2.py), with its width
// multiplier and its parameter names (features.i.conv.j.k.weight, classifier.1.weight).
#include <cstdint>
#include <vector>

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include "methods/backbones/backbone.h"

namespace pgd::backbones {

namespace detail {

// torchvision's _make_divisible: round v to the nearest multiple of `divisor`, never below
// `divisor` and never more than 10% below v.
int64_t make_divisible(double v, int64_t divisor);

// One row of the paper's Table 2: expansion t, output channels c, repeats n, first stride s.
struct InvertedResidualSetting {
  int64_t t, c, n, s;
};
inline constexpr InvertedResidualSetting kMobileNetV2Settings[7] = {
    {1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2},  {6, 64, 4, 2},
    {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
};
inline constexpr int64_t kMobileNetV2RoundNearest = 8;
inline constexpr double kMobileNetV2Dropout = 0.2;

int64_t mobilenet_v2_input_channel(double width);  // channels after features.0
int64_t mobilenet_v2_last_channel(double width);   // channels after features.18

}  // namespace detail

struct InvertedResidualImpl : torch::nn::Module {
  InvertedResidualImpl(int64_t inp, int64_t oup, int64_t stride, int64_t expand_ratio);
  // x: B×inp×H×W → B×oup×(H/stride)×(W/stride)
  torch::Tensor forward(torch::Tensor x);

  torch::nn::Sequential conv{nullptr};
  bool use_res_connect = false;
};
TORCH_MODULE(InvertedResidual);

// Children: features (0 .. 18), and `classifier` = [Dropout(0.2), Linear] in Classifier
// (→ num_classes) and Encoder (→ out_dim) modes; FeatureMap mode registers no classifier.
struct MobileNetV2Impl : Backbone {
  explicit MobileNetV2Impl(const BackboneOptions& options);
  // x: B×3×H×W float. Classifier: B×num_classes; Encoder: B×out_dim; FeatureMap: B×C×⌈H/32⌉×⌈W/32⌉
  torch::Tensor forward(torch::Tensor x) override;
  // Stages: features grouped by output stride (0–1, 2–3, 4–6, 7–13, 14–18 at every width).
  // Blocks: each features.i.
  std::vector<BackboneSegment> feature_segments(SegmentGranularity granularity) override;
  torch::Tensor forward_from_features(torch::Tensor features) override;
  BackboneMode mode() const override { return options_.mode; }
  int64_t feature_channels() const override { return last_channel_; }

  torch::nn::Sequential features{nullptr};
  torch::nn::Sequential classifier{nullptr};

 private:
  BackboneOptions options_;
  int64_t last_channel_ = 0;
};
TORCH_MODULE(MobileNetV2);

}  // namespace pgd::backbones
