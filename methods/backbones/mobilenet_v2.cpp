// MobileNetV2 as torchvision builds it (torchvision/models/mobilenetv2.py, ≥ 0.8 names).
#include "methods/backbones/mobilenet_v2.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

namespace pgd::backbones {

namespace detail {

int64_t make_divisible(double v, int64_t divisor) {
  const int64_t min_value = divisor;
  // Python: int(v + divisor / 2) // divisor * divisor, with v > 0 so truncation is floor.
  const auto rounded = static_cast<int64_t>(v + static_cast<double>(divisor) / 2.0);
  int64_t new_v = std::max(min_value, rounded / divisor * divisor);
  if (static_cast<double>(new_v) < 0.9 * v) new_v += divisor;  // never round down by > 10%
  return new_v;
}

int64_t mobilenet_v2_input_channel(double width) {
  return make_divisible(32 * width, kMobileNetV2RoundNearest);
}

int64_t mobilenet_v2_last_channel(double width) {
  return make_divisible(1280 * std::max(1.0, width), kMobileNetV2RoundNearest);
}

namespace {

// torchvision's Conv2dNormActivation (formerly ConvBNReLU): children 0 = conv, 1 = BN, 2 = ReLU6.
// A Sequential subclass with a plain forward, because a bare Sequential (whose forward is a
// template) cannot be pushed into another Sequential.
struct ConvBNReLUImpl : torch::nn::SequentialImpl {
  ConvBNReLUImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t groups) {
    push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                    .stride(stride)
                                    .padding((kernel - 1) / 2)
                                    .groups(groups)
                                    .bias(false)));
    push_back(torch::nn::BatchNorm2d(out));
    push_back(torch::nn::ReLU6());
  }
  // x: B×in×H×W → B×out×(H/stride)×(W/stride)
  torch::Tensor forward(torch::Tensor x) { return torch::nn::SequentialImpl::forward(x); }
};
TORCH_MODULE(ConvBNReLU);

}  // namespace
}  // namespace detail

InvertedResidualImpl::InvertedResidualImpl(int64_t inp, int64_t oup, int64_t stride,
                                           int64_t expand_ratio) {
  if (stride != 1 && stride != 2) {
    throw std::invalid_argument("InvertedResidual: stride " + std::to_string(stride) +
                                "; expected 1 or 2");
  }
  const int64_t hidden_dim = inp * expand_ratio;
  use_res_connect = stride == 1 && inp == oup;
  conv = torch::nn::Sequential();
  if (expand_ratio != 1) {
    conv->push_back(detail::ConvBNReLU(inp, hidden_dim, 1, 1, 1));  // pointwise expansion
  }
  conv->push_back(detail::ConvBNReLU(hidden_dim, hidden_dim, 3, stride, hidden_dim));  // dw
  conv->push_back(torch::nn::Conv2d(
      torch::nn::Conv2dOptions(hidden_dim, oup, 1).bias(false)));  // linear bottleneck
  conv->push_back(torch::nn::BatchNorm2d(oup));
  register_module("conv", conv);
}

torch::Tensor InvertedResidualImpl::forward(torch::Tensor x) {
  if (use_res_connect) return x + conv->forward(x);
  return conv->forward(x);
}

MobileNetV2Impl::MobileNetV2Impl(const BackboneOptions& options) : options_(options) {
  if (!(options.width > 0.0) || !std::isfinite(options.width)) {
    throw std::invalid_argument("MobileNetV2: width " + c10::str(options.width) +
                                "; expected a finite multiplier > 0");
  }
  int64_t input_channel = detail::mobilenet_v2_input_channel(options.width);
  last_channel_ = detail::mobilenet_v2_last_channel(options.width);

  features = torch::nn::Sequential();
  features->push_back(detail::ConvBNReLU(3, input_channel, 3, 2, 1));
  for (const auto& setting : detail::kMobileNetV2Settings) {
    const int64_t output_channel =
        detail::make_divisible(setting.c * options.width, detail::kMobileNetV2RoundNearest);
    for (int64_t i = 0; i < setting.n; ++i) {
      const int64_t stride = i == 0 ? setting.s : 1;
      features->push_back(InvertedResidual(input_channel, output_channel, stride, setting.t));
      input_channel = output_channel;
    }
  }
  features->push_back(detail::ConvBNReLU(input_channel, last_channel_, 1, 1, 1));
  register_module("features", features);

  if (options.mode != BackboneMode::FeatureMap) {
    const int64_t out =
        options.mode == BackboneMode::Classifier ? options.num_classes : options.out_dim;
    classifier = torch::nn::Sequential(torch::nn::Dropout(detail::kMobileNetV2Dropout),
                                       torch::nn::Linear(last_channel_, out));
    register_module("classifier", classifier);
  }

  // torchvision's init: convs kaiming-normal fan_out, BN 1/0, Linear N(0, 0.01) with zero bias.
  torch::NoGradGuard no_grad;
  for (auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut);
      if (conv->bias.defined()) torch::nn::init::zeros_(conv->bias);
    } else if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      torch::nn::init::ones_(bn->weight);
      torch::nn::init::zeros_(bn->bias);
    } else if (auto* linear = module->as<torch::nn::Linear>()) {
      torch::nn::init::normal_(linear->weight, 0.0, 0.01);
      torch::nn::init::zeros_(linear->bias);
    }
  }
}

torch::Tensor MobileNetV2Impl::forward(torch::Tensor x) {
  if (x.dim() != 4 || x.size(1) != 3) {
    throw std::invalid_argument("MobileNetV2: input of shape " + c10::str(x.sizes()) +
                                "; expected B×3×H×W");
  }
  x = features->forward(x);
  return forward_from_features(x);
}

std::vector<BackboneSegment> MobileNetV2Impl::feature_segments(SegmentGranularity granularity) {
  // First index of each output stride's group of features (2, 4, 8, 16, 32), and the end.
  static constexpr size_t kStageStarts[] = {0, 2, 4, 7, 14, 19};
  TORCH_CHECK(features->size() == kStageStarts[std::size(kStageStarts) - 1],
              "MobileNetV2: expected 19 feature blocks, got ", features->size());
  std::vector<BackboneSegment> segments;
  const size_t stages = std::size(kStageStarts) - 1;
  for (size_t s = 0; s < stages; ++s) {
    const size_t begin = kStageStarts[s], end = kStageStarts[s + 1];
    std::vector<torch::nn::AnyModule> blocks;
    for (size_t i = begin; i < end; ++i) blocks.push_back(*(features->begin() + i));
    if (granularity == SegmentGranularity::Blocks) {
      for (size_t i = begin; i < end; ++i)
        segments.push_back({"features." + std::to_string(i),
                            [block = blocks[i - begin]](const torch::Tensor& x) mutable {
                              return block.forward<torch::Tensor>(x);
                            }});
      continue;
    }
    segments.push_back({"features." + std::to_string(begin) + "-" + std::to_string(end - 1),
                        [blocks](const torch::Tensor& x) mutable {
                          torch::Tensor y = x;
                          for (auto& block : blocks) y = block.forward<torch::Tensor>(y);
                          return y;
                        }});
  }
  return segments;
}

torch::Tensor MobileNetV2Impl::forward_from_features(torch::Tensor x) {
  if (options_.mode == BackboneMode::FeatureMap) return x;
  x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  return classifier->forward(x);
}

}  // namespace pgd::backbones
