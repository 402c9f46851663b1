// The analytic MAC counter against the built modules: a forward pass that walks each model's
// children and counts, at every Conv2d and Linear it actually runs, output elements × weights
// per output (Cout·Ho·Wo × Cin/groups·kh·kw). Odd input sizes exercise every rounding.
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "methods/backbones/backbone.h"
#include "methods/backbones/flop_counter.h"
#include "methods/backbones/mobilenet_v2.h"
#include "methods/backbones/resnet.h"

namespace pgd::backbones {
namespace {

// Runs modules as their own forward would, adding each conv and linear layer's MACs (batch 1).
struct Recorder {
  int64_t macs = 0;

  torch::Tensor conv(torch::nn::Conv2dImpl& c, const torch::Tensor& x) {
    auto y = c.forward(x);  // y: 1×Cout×Ho×Wo
    macs += y.numel() * c.weight[0].numel();
    return y;
  }
  torch::Tensor linear(torch::nn::LinearImpl& l, const torch::Tensor& x) {
    auto y = l.forward(x);  // y: 1×out
    macs += l.weight.numel();
    return y;
  }
  torch::Tensor basic(BasicBlockImpl& b, const torch::Tensor& x) {
    auto identity = b.downsample ? sequential(*b.downsample, x) : x;
    auto out = torch::relu(b.bn1(conv(*b.conv1, x)));
    out = b.bn2(conv(*b.conv2, out));
    return torch::relu(out + identity);
  }
  torch::Tensor bottleneck(BottleneckImpl& b, const torch::Tensor& x) {
    auto identity = b.downsample ? sequential(*b.downsample, x) : x;
    auto out = torch::relu(b.bn1(conv(*b.conv1, x)));
    out = torch::relu(b.bn2(conv(*b.conv2, out)));
    out = b.bn3(conv(*b.conv3, out));
    return torch::relu(out + identity);
  }
  torch::Tensor module(torch::nn::AnyModule& any, const torch::Tensor& x) {
    auto m = any.ptr();
    if (auto* c = m->as<torch::nn::Conv2dImpl>()) return conv(*c, x);
    if (auto* l = m->as<torch::nn::LinearImpl>()) return linear(*l, x);
    if (auto* b = m->as<BasicBlockImpl>()) return basic(*b, x);
    if (auto* b = m->as<BottleneckImpl>()) return bottleneck(*b, x);
    if (auto* r = m->as<InvertedResidualImpl>()) {
      auto y = sequential(*r->conv, x);
      return r->use_res_connect ? x + y : y;
    }
    if (auto* s = dynamic_cast<torch::nn::SequentialImpl*>(m.get())) return sequential(*s, x);
    return any.forward(x);  // BatchNorm, ReLU6, Dropout: no MACs
  }
  torch::Tensor sequential(torch::nn::SequentialImpl& s, torch::Tensor x) {
    for (auto& any : s) x = module(any, x);
    return x;
  }
};

// MACs per traced stage, measured on the real model, keyed by trace_stages' names.
std::map<std::string, int64_t> measured_resnet(ResNetImpl& m, const torch::Tensor& image) {
  std::map<std::string, int64_t> out;
  Recorder r;
  auto x = torch::relu(m.bn1(r.conv(*m.conv1, image)));
  out["conv1"] = r.macs;
  x = torch::max_pool2d(x, 3, 2, 1);
  torch::nn::Sequential layers[4] = {m.layer1, m.layer2, m.layer3, m.layer4};
  for (int i = 0; i < 4; ++i) {
    r.macs = 0;
    x = r.sequential(*layers[i], x);
    out["layer" + std::to_string(i + 1)] = r.macs;
  }
  r.macs = 0;
  r.linear(*m.fc, torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1));
  out["fc"] = r.macs;
  return out;
}

std::map<std::string, int64_t> measured_mobilenet(MobileNetV2Impl& m, const torch::Tensor& image,
                                                  const std::vector<StageShape>& stages) {
  // Per feature index first, then summed over each traced range "features.a-b".
  std::vector<int64_t> per_feature;
  Recorder r;
  auto x = image;
  for (auto& any : *m.features) {
    r.macs = 0;
    x = r.module(any, x);
    per_feature.push_back(r.macs);
  }
  std::map<std::string, int64_t> out;
  for (const auto& stage : stages) {
    if (stage.name.rfind("features.", 0) != 0) continue;
    const std::string range = stage.name.substr(9);
    const auto dash = range.find('-');
    const int first = std::stoi(range.substr(0, dash));
    const int last = dash == std::string::npos ? first : std::stoi(range.substr(dash + 1));
    for (int i = first; i <= last; ++i) out[stage.name] += per_feature.at(i);
  }
  r.macs = 0;
  r.sequential(*m.classifier, torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1));
  out["classifier.1"] = r.macs;
  return out;
}

struct Case {
  std::string name;
  double width;
  int64_t height, width_px;
};

class MacParity : public ::testing::TestWithParam<Case> {};

TEST_P(MacParity, AnalyticCountEqualsTheBuiltModel) {
  const Case c = GetParam();
  BackboneOptions o;
  o.name = c.name;
  o.width = c.width;
  o.num_classes = 7;
  const auto stages = trace_stages(o, c.height, c.width_px);
  auto model = make_backbone(o);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto image = torch::randn({1, 3, c.height, c.width_px});
  std::map<std::string, int64_t> measured =
      c.name == "mobilenetv2"
          ? measured_mobilenet(*std::dynamic_pointer_cast<MobileNetV2Impl>(model), image, stages)
          : measured_resnet(*std::dynamic_pointer_cast<ResNetImpl>(model), image);
  int64_t measured_total = 0;
  for (const auto& [name, macs] : measured) measured_total += macs;
  for (const auto& stage : stages) {
    if (stage.macs == 0) continue;  // pooling
    ASSERT_TRUE(measured.count(stage.name)) << stage.name;
    EXPECT_EQ(measured[stage.name], stage.macs) << stage.name;
  }
  EXPECT_EQ(measured_total, count_macs(o, c.height, c.width_px));
}

INSTANTIATE_TEST_SUITE_P(
    Backbones, MacParity,
    ::testing::Values(Case{"resnet18", 1.0, 45, 37}, Case{"resnet34", 1.0, 64, 64},
                      Case{"resnet50", 1.0, 45, 37}, Case{"mobilenetv2", 1.0, 45, 37},
                      Case{"mobilenetv2", 0.35, 64, 23}),
    [](const auto& info) { return info.param.name + "_" + std::to_string(info.index); });

}  // namespace
}  // namespace pgd::backbones
