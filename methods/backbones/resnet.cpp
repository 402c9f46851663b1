// ResNet-18/34/50 as torchvision builds them (torchvision/models/resnet.py, v1.5 layout).
#include "methods/backbones/resnet.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

namespace pgd::backbones {

namespace detail {

ResNetSpec resnet_spec(const std::string& name) {
  if (name == "resnet18") return {false, {2, 2, 2, 2}};
  if (name == "resnet34") return {false, {3, 4, 6, 3}};
  if (name == "resnet50") return {true, {3, 4, 6, 3}};
  throw std::invalid_argument("ResNet: unknown name '" + name +
                              "'; expected resnet18, resnet34 or resnet50");
}

int64_t resnet_channels(int64_t channels_at_width_one, double width) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(channels_at_width_one) * width));
}

namespace {

torch::nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride = 1) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

torch::nn::Conv2d conv1x1(int64_t in, int64_t out, int64_t stride = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).stride(stride).bias(false));
}

}  // namespace
}  // namespace detail

BasicBlockImpl::BasicBlockImpl(int64_t inplanes, int64_t planes, int64_t stride,
                               torch::nn::Sequential downsample_)
    : conv1(detail::conv3x3(inplanes, planes, stride)),
      conv2(detail::conv3x3(planes, planes)),
      bn1(planes),
      bn2(planes),
      downsample(std::move(downsample_)) {
  // Registration order follows torchvision's __init__, so state dicts list names alike.
  register_module("conv1", conv1);
  register_module("bn1", bn1);
  register_module("conv2", conv2);
  register_module("bn2", bn2);
  if (downsample) register_module("downsample", downsample);
}

torch::Tensor BasicBlockImpl::forward(torch::Tensor x) {
  torch::Tensor identity = downsample ? downsample->forward(x) : x;
  torch::Tensor out = torch::relu(bn1->forward(conv1->forward(x)));
  out = bn2->forward(conv2->forward(out));
  return torch::relu(out + identity);
}

BottleneckImpl::BottleneckImpl(int64_t inplanes, int64_t planes, int64_t stride,
                               torch::nn::Sequential downsample_)
    : conv1(detail::conv1x1(inplanes, planes)),
      conv2(detail::conv3x3(planes, planes, stride)),  // v1.5: the stride sits in the 3×3
      conv3(detail::conv1x1(planes, planes * expansion)),
      bn1(planes),
      bn2(planes),
      bn3(planes * expansion),
      downsample(std::move(downsample_)) {
  register_module("conv1", conv1);
  register_module("bn1", bn1);
  register_module("conv2", conv2);
  register_module("bn2", bn2);
  register_module("conv3", conv3);
  register_module("bn3", bn3);
  if (downsample) register_module("downsample", downsample);
}

torch::Tensor BottleneckImpl::forward(torch::Tensor x) {
  torch::Tensor identity = downsample ? downsample->forward(x) : x;
  torch::Tensor out = torch::relu(bn1->forward(conv1->forward(x)));
  out = torch::relu(bn2->forward(conv2->forward(out)));
  out = bn3->forward(conv3->forward(out));
  return torch::relu(out + identity);
}

ResNetImpl::ResNetImpl(const BackboneOptions& options)
    : options_(options), spec_(detail::resnet_spec(options.name)) {
  if (!(options.width > 0.0 && std::isfinite(options.width))) {
    throw std::invalid_argument("ResNet '" + options.name + "': width " + c10::str(options.width) +
                                "; expected a finite multiplier > 0");
  }
  const int64_t stem = detail::resnet_channels(64, options.width);
  conv1 = register_module(
      "conv1",
      torch::nn::Conv2d(torch::nn::Conv2dOptions(3, stem, 7).stride(2).padding(3).bias(false)));
  bn1 = register_module("bn1", torch::nn::BatchNorm2d(stem));
  inplanes_ = stem;
  torch::nn::Sequential* layers[4] = {&layer1, &layer2, &layer3, &layer4};
  for (int i = 0; i < 4; ++i) {
    *layers[i] =
        register_module("layer" + std::to_string(i + 1),
                        make_layer(detail::resnet_channels(detail::kResNetPlanes[i], options.width),
                                   spec_.blocks[i], detail::kResNetStrides[i]));
  }
  const int64_t features = feature_channels();
  if (options.mode == BackboneMode::Classifier) {
    fc = register_module("fc", torch::nn::Linear(features, options.num_classes));
  } else if (options.mode == BackboneMode::Encoder) {
    fc = register_module("fc", torch::nn::Linear(features, options.out_dim));
  }

  // torchvision's init; Linear keeps PyTorch's default (kaiming-uniform, a=√5), as torchvision.
  torch::NoGradGuard no_grad;
  for (auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      torch::nn::init::ones_(bn->weight);
      torch::nn::init::zeros_(bn->bias);
    }
  }
}

torch::nn::Sequential ResNetImpl::make_layer(int64_t planes, int64_t blocks, int64_t stride) {
  const int64_t expansion = spec_.expansion();
  torch::nn::Sequential downsample{nullptr};
  if (stride != 1 || inplanes_ != planes * expansion) {
    downsample = torch::nn::Sequential(detail::conv1x1(inplanes_, planes * expansion, stride),
                                       torch::nn::BatchNorm2d(planes * expansion));
  }
  torch::nn::Sequential layer;
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t block_stride = b == 0 ? stride : 1;
    torch::nn::Sequential block_downsample = b == 0 ? downsample : torch::nn::Sequential{nullptr};
    if (spec_.bottleneck) {
      layer->push_back(Bottleneck(inplanes_, planes, block_stride, block_downsample));
    } else {
      layer->push_back(BasicBlock(inplanes_, planes, block_stride, block_downsample));
    }
    inplanes_ = planes * expansion;
  }
  return layer;
}

int64_t ResNetImpl::feature_channels() const {
  return detail::resnet_channels(detail::kResNetPlanes[3], options_.width) * spec_.expansion();
}

torch::Tensor ResNetImpl::forward(torch::Tensor x) {
  if (x.dim() != 4 || x.size(1) != 3) {
    throw std::invalid_argument("ResNet '" + options_.name + "': input of shape " +
                                c10::str(x.sizes()) + "; expected B×3×H×W");
  }
  for (const auto& segment : feature_segments(SegmentGranularity::Stages)) x = segment.run(x);
  return forward_from_features(x);
}

std::vector<BackboneSegment> ResNetImpl::feature_segments(SegmentGranularity granularity) {
  std::vector<BackboneSegment> segments;
  segments.push_back({"stem", [conv1 = conv1, bn1 = bn1](const torch::Tensor& x) mutable {
                        auto y = torch::relu(bn1->forward(conv1->forward(x)));
                        return torch::max_pool2d(y, /*kernel_size=*/3, /*stride=*/2,
                                                 /*padding=*/1);
                      }});
  const torch::nn::Sequential layers[4] = {layer1, layer2, layer3, layer4};
  for (int i = 0; i < 4; ++i) {
    const std::string name = "layer" + std::to_string(i + 1);
    if (granularity == SegmentGranularity::Stages) {
      segments.push_back({name, [layer = layers[i]](const torch::Tensor& x) mutable {
                            return layer->forward(x);
                          }});
      continue;
    }
    for (size_t b = 0; b < layers[i]->size(); ++b)
      segments.push_back({name + "." + std::to_string(b),
                          [block = *(layers[i]->begin() + b)](const torch::Tensor& x) mutable {
                            return block.forward<torch::Tensor>(x);
                          }});
  }
  return segments;
}

torch::Tensor ResNetImpl::forward_from_features(torch::Tensor x) {
  if (options_.mode == BackboneMode::FeatureMap) return x;
  x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  return fc->forward(x);
}

}  // namespace pgd::backbones
