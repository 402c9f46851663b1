#pragma once
// Backbones: ResNet-18/34/50 and MobileNetV2, with torchvision's parameter names, usable as
//  - Classifier:  image → logits (torchvision's own pooled classifier; GD "pooled")
//  - Encoder:     patch → D-vector (classifier replaced by Linear(features → D); PatchGD)
//  - FeatureMap:  image → last conv map B×C×h×w (GD with the latent head over it)
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace pgd::backbones {

enum class BackboneMode { Classifier, Encoder, FeatureMap };

struct BackboneOptions {
  std::string name = "resnet50";  // resnet18 | resnet34 | resnet50 | mobilenetv2
  double width = 1.0;             // channel multiplier (torchvision's weights need 1.0)
  BackboneMode mode = BackboneMode::Classifier;
  int64_t num_classes = 1000;  // Classifier
  int64_t out_dim = 256;       // Encoder: D
};

// How finely activation checkpointing cuts the feature extractor: one segment per stage of
// equal resolution (ResNet: stem, layer1..layer4; MobileNetV2: the blocks of each output stride),
// or one per block (every residual block, MobileNetV2's every features.i).
enum class SegmentGranularity { Stages, Blocks };

// A stretch of the feature extractor, run on its input alone (no state across segments), so it
// can be recomputed in backward.
struct BackboneSegment {
  std::string name;  // e.g. "layer2" or "features.7"
  std::function<torch::Tensor(const torch::Tensor&)> run;
};

// Common face of every backbone, so methods hold any of them.
class Backbone : public torch::nn::Module {
 public:
  // x: B×3×H×W float. Classifier: B×num_classes; Encoder: B×D; FeatureMap: B×C×h×w.
  // Equals feature_segments(Stages) run in order, then forward_from_features.
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  // The layers up to the last conv map as a chain of segments.
  virtual std::vector<BackboneSegment> feature_segments(SegmentGranularity granularity) = 0;
  // What forward does after the last conv map: pooling and the Linear (Classifier, Encoder),
  // nothing (FeatureMap).
  virtual torch::Tensor forward_from_features(torch::Tensor features) = 0;
  virtual BackboneMode mode() const = 0;
  virtual int64_t feature_channels() const = 0;  // C of the last conv map (2048 for ResNet50)
  virtual int64_t output_stride() const { return 32; }
};

// Names make_backbone accepts, in display order.
std::vector<std::string> backbone_names();

// Throws std::invalid_argument for an unknown name (listing the valid ones), a ResNet width
// other than 1.0, a MobileNetV2 width <= 0, or num_classes / out_dim <= 0 where the mode uses it.
std::shared_ptr<Backbone> make_backbone(const BackboneOptions& options);

// The checks make_backbone makes, without building anything.
void validate_backbone_options(const BackboneOptions& options);

std::string to_string(BackboneMode mode);  // "classifier" | "encoder" | "feature_map"

// Loads parameters and buffers by torchvision name from a TorchScript module file into `model`.
// Throws std::runtime_error listing the first offenders on a missing name or shape mismatch.
// `skip_prefixes` (e.g. {"fc.", "classifier."}) are not required to match (replaced heads):
// names under them are left as initialized. The model is checked whole before anything is
// copied, so on error it is unchanged. Names in the file that the model lacks are ignored.
void load_torchscript_weights(torch::nn::Module& model, const std::string& path,
                              const std::vector<std::string>& skip_prefixes = {});

int64_t count_parameters(const torch::nn::Module& model);
int64_t count_trainable_parameters(const torch::nn::Module& model);  // requires_grad only

// A readable block for `patchgd models`: name, width, mode, output shape of each stage at an
// image_size × image_size input, parameters (total, trainable) and MACs per image at that size.
std::string describe_backbone(const BackboneOptions& options, int64_t image_size);

}  // namespace pgd::backbones
