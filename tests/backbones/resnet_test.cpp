// ResNet-18/34/50: torchvision parity of names, shapes, counts and init; the three modes.
#include <cmath>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "methods/backbones/backbone.h"
#include "methods/backbones/flop_counter.h"
#include "methods/backbones/resnet.h"

namespace pgd::backbones {
namespace {

BackboneOptions resnet(const std::string& name, BackboneMode mode = BackboneMode::Classifier) {
  BackboneOptions o;
  o.name = name;
  o.mode = mode;
  return o;
}

// Parameters and buffers by dotted name, as torchvision's state_dict() lists them.
std::map<std::string, torch::Tensor> state(const torch::nn::Module& m) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& p : m.named_parameters()) out[p.key()] = p.value();
  for (const auto& b : m.named_buffers()) out[b.key()] = b.value();
  return out;
}

TEST(ResNet, ParameterCountsMatchTorchvision) {
  EXPECT_EQ(count_parameters(*make_backbone(resnet("resnet18"))), 11689512);
  EXPECT_EQ(count_parameters(*make_backbone(resnet("resnet34"))), 21797672);
  auto r50 = make_backbone(resnet("resnet50"));
  EXPECT_EQ(count_parameters(*r50), 25557032);
  EXPECT_EQ(count_trainable_parameters(*r50), 25557032);
  EXPECT_EQ(count_parameters(*make_backbone(resnet("resnet50", BackboneMode::FeatureMap))),
            23508032);
}

TEST(ResNet, StateDictNamesAndShapesMatchTorchvision) {
  const auto s = state(*make_backbone(resnet("resnet50")));
  // torchvision resnet50: 161 parameters + 159 buffers (53 BatchNorms × 3).
  EXPECT_EQ(s.size(), 320u);
  const std::map<std::string, std::vector<int64_t>> expected = {
      {"conv1.weight", {64, 3, 7, 7}},
      {"bn1.weight", {64}},
      {"bn1.running_mean", {64}},
      {"bn1.num_batches_tracked", {}},
      {"layer1.0.conv1.weight", {64, 64, 1, 1}},
      {"layer1.0.bn2.running_mean", {64}},
      {"layer1.0.downsample.0.weight", {256, 64, 1, 1}},
      {"layer1.0.downsample.1.weight", {256}},
      {"layer1.0.downsample.1.running_var", {256}},
      {"layer2.0.conv2.weight", {128, 128, 3, 3}},
      {"layer3.5.bn3.bias", {1024}},
      {"layer4.2.conv3.weight", {2048, 512, 1, 1}},
      {"fc.weight", {1000, 2048}},
      {"fc.bias", {1000}},
  };
  for (const auto& [name, shape] : expected) {
    auto it = s.find(name);
    ASSERT_NE(it, s.end()) << name;
    EXPECT_EQ(it->second.sizes().vec(), shape) << name;
  }
  EXPECT_EQ(s.count("layer1.1.downsample.0.weight"), 0u);
}

TEST(ResNet, StrideSitsInTheBottleneck3x3) {
  auto model = ResNet(resnet("resnet50"));
  auto* block = model->layer2->ptr(0)->as<BottleneckImpl>();
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block->conv1->options.stride()->at(0), 1);
  EXPECT_EQ(block->conv2->options.stride()->at(0), 2);
  EXPECT_EQ(block->downsample->ptr(0)->as<torch::nn::Conv2d>()->options.stride()->at(0), 2);
}

TEST(ResNet, BasicBlockLayoutForResNet18) {
  const auto s = state(*make_backbone(resnet("resnet18")));
  EXPECT_EQ(s.at("layer1.0.conv2.weight").sizes().vec(), (std::vector<int64_t>{64, 64, 3, 3}));
  EXPECT_EQ(s.count("layer1.0.downsample.0.weight"), 0u);
  EXPECT_EQ(s.at("layer2.0.downsample.0.weight").sizes().vec(),
            (std::vector<int64_t>{128, 64, 1, 1}));
  EXPECT_EQ(s.at("fc.weight").sizes().vec(), (std::vector<int64_t>{1000, 512}));
  EXPECT_EQ(s.count("layer1.0.conv3.weight"), 0u);
}

TEST(ResNet, InitFollowsTorchvision) {
  torch::manual_seed(0);
  const auto s = state(*make_backbone(resnet("resnet50")));
  // kaiming_normal_(fan_out, relu): std = sqrt(2 / (Cout·k·k)).
  const auto w = s.at("layer4.0.conv2.weight");
  EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / (512 * 9)), 0.02 * std::sqrt(2.0 / 4608));
  EXPECT_NEAR(w.mean().item<double>(), 0.0, 1e-3);
  EXPECT_TRUE(s.at("layer3.1.bn2.weight").eq(1).all().item<bool>());
  EXPECT_TRUE(s.at("layer3.1.bn2.bias").eq(0).all().item<bool>());
  // Linear keeps PyTorch's default: U(-1/sqrt(in), 1/sqrt(in)).
  EXPECT_LE(s.at("fc.weight").abs().max().item<double>(), 1.0 / std::sqrt(2048.0));
}

TEST(ResNet, ClassifierAndEncoderOutputs) {
  BackboneOptions o = resnet("resnet50", BackboneMode::Encoder);
  o.out_dim = 24;
  auto encoder = make_backbone(o);
  EXPECT_EQ(encoder->mode(), BackboneMode::Encoder);
  EXPECT_EQ(encoder->feature_channels(), 2048);
  EXPECT_EQ(state(*encoder).at("fc.weight").sizes().vec(), (std::vector<int64_t>{24, 2048}));
  EXPECT_EQ(encoder->forward(torch::randn({2, 3, 32, 32})).sizes().vec(),
            (std::vector<int64_t>{2, 24}));

  BackboneOptions c = resnet("resnet18");
  c.num_classes = 7;
  auto classifier = make_backbone(c);
  classifier->eval();
  EXPECT_EQ(classifier->forward(torch::randn({3, 3, 48, 40})).sizes().vec(),
            (std::vector<int64_t>{3, 7}));
}

TEST(ResNet, FeatureMapIsTheLastConvMap) {
  auto r18 = make_backbone(resnet("resnet18", BackboneMode::FeatureMap));
  EXPECT_EQ(r18->forward(torch::randn({2, 3, 64, 64})).sizes().vec(),
            (std::vector<int64_t>{2, 512, 2, 2}));
  EXPECT_EQ(r18->output_stride(), 32);
  for (const auto& p : r18->named_parameters()) EXPECT_NE(p.key().rfind("fc.", 0), 0u) << p.key();
  // Odd sizes: each stride-2 step rounds up, so the map is ⌈H/32⌉ × ⌈W/32⌉.
  auto r34 = make_backbone(resnet("resnet34", BackboneMode::FeatureMap));
  r34->eval();
  EXPECT_EQ(r34->forward(torch::randn({1, 3, 33, 70})).sizes().vec(),
            (std::vector<int64_t>{1, 512, 2, 3}));
}

TEST(ResNet, EncoderBackwardGivesFiniteGradOnEveryParameter) {
  torch::manual_seed(1);
  BackboneOptions o = resnet("resnet18", BackboneMode::Encoder);
  o.out_dim = 8;
  auto model = make_backbone(o);
  auto out = model->forward(torch::randn({2, 3, 32, 32}));
  out.pow(2).mean().backward();
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
  }
  // The loss reaches the stem, not only the head.
  EXPECT_GT(model->named_parameters()["conv1.weight"].grad().abs().sum().item<double>(), 0.0);
}

TEST(ResNet, TrainModeUpdatesRunningStats) {
  auto model = make_backbone(resnet("resnet18", BackboneMode::FeatureMap));
  model->forward(torch::randn({2, 3, 32, 32}));
  const auto s = state(*model);
  EXPECT_EQ(s.at("bn1.num_batches_tracked").item<int64_t>(), 1);
  EXPECT_FALSE(s.at("bn1.running_mean").eq(0).all().item<bool>());
}

// A width multiplier scales the stem and every stage alike (names stay torchvision's), and the
// FLOP counter follows; width 1 is torchvision's network exactly.
TEST(ResNet, WidthScalesStemAndStages) {
  BackboneOptions o = resnet("resnet18", BackboneMode::FeatureMap);
  o.width = 0.25;
  auto model = make_backbone(o);
  const auto s = state(*model);
  EXPECT_EQ(s.at("conv1.weight").size(0), 16);
  EXPECT_EQ(s.at("layer1.0.conv1.weight").size(0), 16);
  EXPECT_EQ(s.at("layer4.1.conv2.weight").size(0), 128);
  EXPECT_EQ(model->forward(torch::randn({2, 3, 64, 64})).size(1), 128);
  EXPECT_EQ(s.size(), state(*make_backbone(resnet("resnet18", BackboneMode::FeatureMap))).size());
  const int64_t narrow = count_macs(o, 64, 64);
  o.width = 1.0;
  EXPECT_LT(narrow * 12, count_macs(o, 64, 64));  // about 16x fewer multiply-adds
}

TEST(ResNet, RejectsWidthThatIsNotPositive) {
  for (double w : {0.0, -0.5}) {
    BackboneOptions o = resnet("resnet50");
    o.width = w;
    try {
      make_backbone(o);
      FAIL() << "width " << w << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("resnet50"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("width"), std::string::npos) << e.what();
    }
    // The module itself checks too, for callers that bypass make_backbone.
    EXPECT_THROW(ResNet{o}, std::invalid_argument);
  }
}

TEST(ResNet, RejectsInputThatIsNotBx3xHxW) {
  auto model = make_backbone(resnet("resnet18"));
  EXPECT_THROW(model->forward(torch::randn({2, 1, 32, 32})), std::invalid_argument);
  EXPECT_THROW(model->forward(torch::randn({3, 32, 32})), std::invalid_argument);
}

}  // namespace
}  // namespace pgd::backbones
