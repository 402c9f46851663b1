#pragma once
// Backbones: ResNet-18/34/50 and MobileNetV2, with torchvision's parameter names, usable as
//  - Classifier:  image → logits (torchvision's own pooled classifier; GD "pooled")
//  - Encoder:     patch → D-vector (classifier replaced by Linear(features → D); PatchGD)
//  - FeatureMap:  image → last conv map B×C×h×w (GD with the latent head over it)
#include <cstdint>
#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace pgd::backbones {

enum class BackboneMode { Classifier, Encoder, FeatureMap };

struct BackboneOptions {
  std::string name = "resnet50";   // resnet18 | resnet34 | resnet50 | mobilenetv2
  double width = 1.0;              // MobileNetV2 width multiplier; ResNets accept 1.0 only
  BackboneMode mode = BackboneMode::Classifier;
  int64_t num_classes = 1000;      // Classifier
  int64_t out_dim = 256;           // Encoder: D
};

// Common face of every backbone, so methods hold any of them.
class Backbone : public torch::nn::Module {
 public:
  // x: B×3×H×W float. Classifier: B×num_classes; Encoder: B×D; FeatureMap: B×C×h×w.
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  virtual BackboneMode mode() const = 0;
  virtual int64_t feature_channels() const = 0;  // C of the last conv map (2048 for ResNet50)
  virtual int64_t output_stride() const { return 32; }
};

std::shared_ptr<Backbone> make_backbone(const BackboneOptions& options);

// Loads parameters and buffers by torchvision name from a TorchScript module file into `model`.
// Throws std::runtime_error listing the first offenders on a missing name or shape mismatch.
// `skip_prefixes` (e.g. {"fc.", "classifier."}) are not required to match (replaced heads).
void load_torchscript_weights(torch::nn::Module& model, const std::string& path,
                              const std::vector<std::string>& skip_prefixes = {});

int64_t count_parameters(const torch::nn::Module& model);

}  // namespace pgd::backbones
