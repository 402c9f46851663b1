#pragma once
// Analytic multiply-accumulate (MAC) count of a backbone, from its architecture alone: no model
// is built and no tensor allocated, so any input size (4096² included) costs nothing.
// Counted: Conv2d (Cout·Hout·Wout·(Cin/groups)·kh·kw) and Linear (in·out) layers, one image.
// Not counted: BatchNorm, activations, pooling, residual additions (as torchvision's GFLOPS).
#include <cstdint>
#include <string>
#include <vector>

#include "methods/backbones/backbone.h"

namespace pgd::backbones {

// One stage of the forward pass, by torchvision module name ("conv1", "layer3", "features.2-3",
// "fc", "classifier.1", ...): its output shape for one image and the MACs spent inside it.
struct StageShape {
  std::string name;
  std::vector<int64_t> shape;  // C×H×W for conv stages, C for pooled and linear outputs
  int64_t macs = 0;
};

// Stages in forward order for a height × width input; what the mode leaves out is absent
// (FeatureMap: no pooling, no fc / classifier). Throws std::invalid_argument on bad options
// (as make_backbone) or a height / width < 1.
std::vector<StageShape> trace_stages(const BackboneOptions& options, int64_t height, int64_t width);

// MACs of conv and linear layers for one image (batch 1) at height × width.
int64_t count_macs(const BackboneOptions& options, int64_t height, int64_t width);

}  // namespace pgd::backbones
