// make_backbone: options → validated model; small helpers shared by every backbone.
#include "methods/backbones/backbone.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

#include "methods/backbones/mobilenet_v2.h"
#include "methods/backbones/resnet.h"

namespace pgd::backbones {

namespace detail {
namespace {

std::string joined_names() {
  std::string out;
  for (const auto& name : backbone_names()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// 0.5 → "0.5" (std::to_string would say "0.500000").
std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

bool is_resnet(const std::string& name) {
  return name == "resnet18" || name == "resnet34" || name == "resnet50";
}

}  // namespace
}  // namespace detail

std::vector<std::string> backbone_names() {
  return {"resnet18", "resnet34", "resnet50", "mobilenetv2"};
}

std::string to_string(BackboneMode mode) {
  switch (mode) {
    case BackboneMode::Classifier:
      return "classifier";
    case BackboneMode::Encoder:
      return "encoder";
    case BackboneMode::FeatureMap:
      return "feature_map";
  }
  throw std::invalid_argument("BackboneMode: value " + std::to_string(static_cast<int>(mode)) +
                              " is not a known mode");
}

void validate_backbone_options(const BackboneOptions& options) {
  if (!detail::is_resnet(options.name) && options.name != "mobilenetv2") {
    throw std::invalid_argument("backbone name '" + options.name +
                                "' is unknown; expected one of " + detail::joined_names());
  }
  if (!(options.width > 0.0 && std::isfinite(options.width))) {
    throw std::invalid_argument("backbone '" + options.name + "': width " +
                                detail::number(options.width) +
                                "; expected a finite multiplier > 0");
  }
  if (options.mode == BackboneMode::Classifier && options.num_classes <= 0) {
    throw std::invalid_argument("backbone '" + options.name + "': num_classes " +
                                std::to_string(options.num_classes) + "; expected > 0");
  }
  if (options.mode == BackboneMode::Encoder && options.out_dim <= 0) {
    throw std::invalid_argument("backbone '" + options.name + "': out_dim " +
                                std::to_string(options.out_dim) + "; expected > 0");
  }
}

std::shared_ptr<Backbone> make_backbone(const BackboneOptions& options) {
  validate_backbone_options(options);
  if (detail::is_resnet(options.name)) return ResNet(options).ptr();
  return MobileNetV2(options).ptr();
}

int64_t count_parameters(const torch::nn::Module& model) {
  int64_t total = 0;
  for (const auto& p : model.parameters(/*recurse=*/true)) total += p.numel();
  return total;
}

int64_t count_trainable_parameters(const torch::nn::Module& model) {
  int64_t total = 0;
  for (const auto& p : model.parameters(/*recurse=*/true)) {
    if (p.requires_grad()) total += p.numel();
  }
  return total;
}

}  // namespace pgd::backbones
