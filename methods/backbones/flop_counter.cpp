// Analytic MAC count: walks the same architecture tables the modules are built from
// (detail::resnet_spec, detail::kMobileNetV2Settings), so the two cannot drift apart silently;
// a test compares the traced shapes with real forward passes.
#include "methods/backbones/flop_counter.h"

#include <stdexcept>
#include <string>

#include "methods/backbones/mobilenet_v2.h"
#include "methods/backbones/resnet.h"

namespace pgd::backbones {

namespace detail {
namespace {

// A C×H×W activation flowing through the walk, with the MACs accumulated for the current stage.
struct Walk {
  int64_t c, h, w;
  int64_t macs = 0;

  // Conv2d with square kernel, zero padding `pad`, dilation 1. Returns the new map; `*this`
  // is left untouched so branches (a downsample path) can start from the same input.
  Walk conv(int64_t out, int64_t kernel, int64_t stride, int64_t pad, int64_t groups = 1) const {
    Walk next{out, (h + 2 * pad - kernel) / stride + 1, (w + 2 * pad - kernel) / stride + 1};
    next.macs = macs + out * next.h * next.w * (c / groups) * kernel * kernel;
    return next;
  }
  Walk pool(int64_t kernel, int64_t stride, int64_t pad) const {
    Walk next{c, (h + 2 * pad - kernel) / stride + 1, (w + 2 * pad - kernel) / stride + 1};
    next.macs = macs;
    return next;
  }
};

StageShape conv_stage(const std::string& name, const Walk& map) {
  return {name, {map.c, map.h, map.w}, map.macs};
}

// Pooling and the final Linear, as the mode has them.
void add_head(const BackboneOptions& options, int64_t channels, const std::string& linear_name,
              std::vector<StageShape>& stages) {
  if (options.mode == BackboneMode::FeatureMap) return;
  stages.push_back({"avgpool", {channels}, 0});
  const int64_t out =
      options.mode == BackboneMode::Classifier ? options.num_classes : options.out_dim;
  stages.push_back({linear_name, {out}, channels * out});
}

std::vector<StageShape> trace_resnet(const BackboneOptions& options, int64_t height,
                                     int64_t width) {
  const ResNetSpec spec = resnet_spec(options.name);
  std::vector<StageShape> stages;
  Walk x{3, height, width};
  x = x.conv(resnet_channels(64, options.width), 7, 2, 3);
  stages.push_back(conv_stage("conv1", x));
  x = Walk{x.c, x.h, x.w}.pool(3, 2, 1);
  stages.push_back(conv_stage("maxpool", x));
  for (int i = 0; i < 4; ++i) {
    const int64_t planes = resnet_channels(kResNetPlanes[i], options.width);
    const int64_t out = planes * spec.expansion();
    Walk stage{x.c, x.h, x.w};  // MACs counted per stage
    for (int64_t b = 0; b < spec.blocks[i]; ++b) {
      const int64_t stride = b == 0 ? kResNetStrides[i] : 1;
      Walk y = stage;
      if (spec.bottleneck) {
        y = y.conv(planes, 1, 1, 0).conv(planes, 3, stride, 1).conv(out, 1, 1, 0);
      } else {
        y = y.conv(planes, 3, stride, 1).conv(planes, 3, 1, 1);
      }
      if (stride != 1 || stage.c != out) {
        const Walk shortcut = Walk{stage.c, stage.h, stage.w}.conv(out, 1, stride, 0);
        y.macs += shortcut.macs;
      }
      stage = y;
    }
    stages.push_back(conv_stage("layer" + std::to_string(i + 1), stage));
    x = stage;
  }
  add_head(options, x.c, "fc", stages);
  return stages;
}

std::vector<StageShape> trace_mobilenet_v2(const BackboneOptions& options, int64_t height,
                                           int64_t width) {
  std::vector<StageShape> stages;
  Walk x = Walk{3, height, width}.conv(mobilenet_v2_input_channel(options.width), 3, 2, 1);
  stages.push_back(conv_stage("features.0", x));
  int64_t index = 1;
  for (const auto& setting : kMobileNetV2Settings) {
    const int64_t out = make_divisible(setting.c * options.width, kMobileNetV2RoundNearest);
    Walk stage{x.c, x.h, x.w};
    for (int64_t i = 0; i < setting.n; ++i) {
      const int64_t stride = i == 0 ? setting.s : 1;
      const int64_t hidden = stage.c * setting.t;
      Walk y = stage;
      if (setting.t != 1) y = y.conv(hidden, 1, 1, 0);
      stage = y.conv(hidden, 3, stride, 1, /*groups=*/hidden).conv(out, 1, 1, 0);
    }
    const int64_t last = index + setting.n - 1;
    stages.push_back(conv_stage(
        "features." + std::to_string(index) + (last == index ? "" : "-" + std::to_string(last)),
        stage));
    index = last + 1;
    x = stage;
  }
  x = Walk{x.c, x.h, x.w}.conv(mobilenet_v2_last_channel(options.width), 1, 1, 0);
  stages.push_back(conv_stage("features." + std::to_string(index), x));
  add_head(options, x.c, "classifier.1", stages);
  return stages;
}

}  // namespace
}  // namespace detail

std::vector<StageShape> trace_stages(const BackboneOptions& options, int64_t height,
                                     int64_t width) {
  validate_backbone_options(options);
  if (height < 1 || width < 1) {
    throw std::invalid_argument("trace_stages: input " + std::to_string(height) + "×" +
                                std::to_string(width) + "; expected height and width >= 1");
  }
  if (options.name == "mobilenetv2") return detail::trace_mobilenet_v2(options, height, width);
  return detail::trace_resnet(options, height, width);
}

int64_t count_macs(const BackboneOptions& options, int64_t height, int64_t width) {
  int64_t total = 0;
  for (const auto& stage : trace_stages(options, height, width)) total += stage.macs;
  return total;
}

}  // namespace pgd::backbones
