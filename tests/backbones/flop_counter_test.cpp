// Analytic MAC counts against torchvision's published figures, and traced shapes against real
// forward passes; describe_backbone's text.
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "methods/backbones/backbone.h"
#include "methods/backbones/flop_counter.h"

namespace pgd::backbones {
namespace {

BackboneOptions options(const std::string& name, BackboneMode mode = BackboneMode::Classifier,
                        double width = 1.0) {
  BackboneOptions o;
  o.name = name;
  o.mode = mode;
  o.width = width;
  return o;
}

TEST(FlopCounter, MatchesTorchvisionAt224) {
  // torchvision's model cards (GFLOPS counted as MACs): 4.09, 1.81, 3.66, 0.30.
  EXPECT_NEAR(count_macs(options("resnet50"), 224, 224), 4.09e9, 0.01 * 4.09e9);
  EXPECT_NEAR(count_macs(options("resnet18"), 224, 224), 1.81e9, 0.01 * 1.81e9);
  EXPECT_NEAR(count_macs(options("resnet34"), 224, 224), 3.66e9, 0.01 * 3.66e9);
  EXPECT_NEAR(count_macs(options("mobilenetv2"), 224, 224), 300.8e6, 0.01 * 300.8e6);
}

TEST(FlopCounter, ExactFiguresAt224) {
  // Hand-checkable anchors: ResNet50's stem is 64·112·112·3·7·7 and its fc 2048·1000.
  const auto stages = trace_stages(options("resnet50"), 224, 224);
  ASSERT_EQ(stages.front().name, "conv1");
  EXPECT_EQ(stages.front().macs, 64LL * 112 * 112 * 3 * 49);
  ASSERT_EQ(stages.back().name, "fc");
  EXPECT_EQ(stages.back().macs, 2048LL * 1000);
  EXPECT_EQ(count_macs(options("resnet50"), 224, 224), 4089184256LL);
  EXPECT_EQ(count_macs(options("mobilenetv2"), 224, 224), 300774272LL);
  EXPECT_EQ(count_macs(options("resnet18"), 224, 224), 1814073344LL);
  EXPECT_EQ(count_macs(options("resnet34"), 224, 224), 3663761408LL);
}

TEST(FlopCounter, ModeChangesOnlyTheHead) {
  BackboneOptions encoder = options("resnet50", BackboneMode::Encoder);
  encoder.out_dim = 256;
  const int64_t trunk = count_macs(options("resnet50", BackboneMode::FeatureMap), 128, 128);
  EXPECT_EQ(count_macs(encoder, 128, 128), trunk + 2048 * 256);
  EXPECT_EQ(count_macs(options("resnet50"), 128, 128), trunk + 2048 * 1000);
  // Convolutions scale with area: a 2× side costs 4× (exact when every stride divides).
  EXPECT_EQ(count_macs(options("resnet50", BackboneMode::FeatureMap), 256, 256), 4 * trunk);
}

TEST(FlopCounter, NarrowMobileNetCostsLess) {
  const int64_t full = count_macs(options("mobilenetv2"), 224, 224);
  const int64_t half = count_macs(options("mobilenetv2", BackboneMode::Classifier, 0.5), 224, 224);
  const int64_t quarter =
      count_macs(options("mobilenetv2", BackboneMode::Classifier, 0.25), 224, 224);
  EXPECT_LT(half, full);
  EXPECT_LT(quarter, half);
  // TF-slim's model table lists mobilenet_v2_0.5_224 at 97 M MACs (same rounding rules).
  EXPECT_NEAR(half, 97e6, 0.01 * 97e6);
}

TEST(FlopCounter, HugeInputsNeedNoMemory) {
  // PANDA's 4096² through ResNet50 (about 1.37 TMAC) is arithmetic only; 4096 = 16·256 and
  // every stride divides both, so the count is exactly 256× that at 256².
  const BackboneOptions o = options("resnet50", BackboneMode::FeatureMap);
  const int64_t macs = count_macs(o, 4096, 4096);
  EXPECT_EQ(macs, 256 * count_macs(o, 256, 256));
  EXPECT_GT(macs, 1.3e12);
  EXPECT_LT(macs, 1.4e12);
}

// The analytic walk and the modules must describe the same network.
TEST(FlopCounter, TracedShapesMatchRealForward) {
  torch::NoGradGuard no_grad;
  for (const auto& name : backbone_names()) {
    BackboneOptions o = options(name, BackboneMode::FeatureMap, name == "mobilenetv2" ? 0.25 : 1);
    auto model = make_backbone(o);
    model->eval();
    for (auto [h, w] : {std::pair<int64_t, int64_t>{32, 32}, {33, 70}, {17, 9}}) {
      SCOPED_TRACE(name + " " + std::to_string(h) + "x" + std::to_string(w));
      auto out = model->forward(torch::randn({1, 3, h, w}));
      std::vector<int64_t> expected = trace_stages(o, h, w).back().shape;
      expected.insert(expected.begin(), 1);
      EXPECT_EQ(out.sizes().vec(), expected);
    }
  }
}

TEST(FlopCounter, MobileNetStagesAreNamedByFeatureIndex) {
  const auto stages = trace_stages(options("mobilenetv2"), 224, 224);
  std::vector<std::string> names;
  for (const auto& s : stages) names.push_back(s.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"features.0", "features.1", "features.2-3", "features.4-6",
                                      "features.7-10", "features.11-13", "features.14-16",
                                      "features.17", "features.18", "avgpool", "classifier.1"}));
  EXPECT_EQ(stages[8].shape, (std::vector<int64_t>{1280, 7, 7}));
}

TEST(FlopCounter, RejectsBadSizesAndOptions) {
  EXPECT_THROW(count_macs(options("resnet18"), 0, 32), std::invalid_argument);
  EXPECT_THROW(count_macs(options("resnet18"), 32, -1), std::invalid_argument);
  EXPECT_THROW(count_macs(options("vgg16"), 32, 32), std::invalid_argument);
  EXPECT_THROW(count_macs(options("resnet18", BackboneMode::Classifier, 0.0), 32, 32),
               std::invalid_argument);
}

TEST(DescribeBackbone, ListsStagesParametersAndMacs) {
  const std::string text = describe_backbone(options("resnet50"), 224);
  for (const std::string part :
       {"resnet50", "width 1", "mode classifier", "classes 1000", "layer4", "2048×7×7",
        "25,557,032", "trainable 25,557,032", "4,089,184,256", "4.09 G", "3×224×224"}) {
    EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in:\n" << text;
  }
  BackboneOptions encoder = options("mobilenetv2", BackboneMode::Encoder, 0.5);
  encoder.out_dim = 128;
  const std::string small = describe_backbone(encoder, 32);
  for (const std::string part : {"mobilenetv2", "width 0.5", "mode encoder", "out_dim 128",
                                 "features.18", "1280×1×1", "classifier.1"}) {
    EXPECT_NE(small.find(part), std::string::npos) << "'" << part << "' not in:\n" << small;
  }
  EXPECT_THROW(describe_backbone(options("resnet50"), 0), std::invalid_argument);
}

}  // namespace
}  // namespace pgd::backbones
