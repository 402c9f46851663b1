// MobileNetV2: torchvision parity of names, shapes, counts and init; width multipliers; modes.
#include <cmath>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "methods/backbones/backbone.h"
#include "methods/backbones/mobilenet_v2.h"

namespace pgd::backbones {
namespace {

BackboneOptions mobilenet(double width = 1.0, BackboneMode mode = BackboneMode::Classifier) {
  BackboneOptions o;
  o.name = "mobilenetv2";
  o.width = width;
  o.mode = mode;
  return o;
}

std::map<std::string, torch::Tensor> state(const torch::nn::Module& m) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& p : m.named_parameters()) out[p.key()] = p.value();
  for (const auto& b : m.named_buffers()) out[b.key()] = b.value();
  return out;
}

TEST(MobileNetV2, MakeDivisibleMatchesTorchvision) {
  // Values from torchvision's _make_divisible(v, 8).
  EXPECT_EQ(detail::make_divisible(32 * 1.0, 8), 32);
  EXPECT_EQ(detail::make_divisible(32 * 0.5, 8), 16);
  EXPECT_EQ(detail::make_divisible(16 * 0.25, 8), 8);   // never below the divisor
  EXPECT_EQ(detail::make_divisible(24 * 0.75, 8), 24);  // 18 → 16 would lose > 10%: bumped
  EXPECT_EQ(detail::make_divisible(96 * 0.35, 8), 32);  // 33.6 → 32
  EXPECT_EQ(detail::make_divisible(160 * 1.4, 8), 224);
  EXPECT_EQ(detail::mobilenet_v2_last_channel(0.5), 1280);
  EXPECT_EQ(detail::mobilenet_v2_last_channel(1.4), 1792);
}

TEST(MobileNetV2, ParameterCountMatchesTorchvision) {
  auto model = make_backbone(mobilenet());
  EXPECT_EQ(count_parameters(*model), 3504872);
  EXPECT_EQ(count_trainable_parameters(*model), 3504872);
  // Without the classifier: 3,504,872 − (1280·1000 + 1000).
  EXPECT_EQ(count_parameters(*make_backbone(mobilenet(1.0, BackboneMode::FeatureMap))), 2223872);
}

TEST(MobileNetV2, StateDictNamesAndShapesMatchTorchvision) {
  const auto s = state(*make_backbone(mobilenet()));
  // torchvision mobilenet_v2: 158 parameters + 156 buffers (52 BatchNorms × 3).
  EXPECT_EQ(s.size(), 314u);
  const std::map<std::string, std::vector<int64_t>> expected = {
      {"features.0.0.weight", {32, 3, 3, 3}},
      {"features.0.1.running_var", {32}},
      {"features.0.1.num_batches_tracked", {}},
      {"features.1.conv.0.0.weight", {32, 1, 3, 3}},  // t = 1: no expansion conv
      {"features.1.conv.1.weight", {16, 32, 1, 1}},
      {"features.1.conv.2.running_mean", {16}},
      {"features.2.conv.0.0.weight", {96, 16, 1, 1}},
      {"features.3.conv.1.0.weight", {144, 1, 3, 3}},
      {"features.3.conv.2.weight", {24, 144, 1, 1}},
      {"features.17.conv.3.bias", {320}},
      {"features.18.0.weight", {1280, 320, 1, 1}},
      {"features.18.1.running_mean", {1280}},
      {"classifier.1.weight", {1000, 1280}},
      {"classifier.1.bias", {1000}},
  };
  for (const auto& [name, shape] : expected) {
    auto it = s.find(name);
    ASSERT_NE(it, s.end()) << name;
    EXPECT_EQ(it->second.sizes().vec(), shape) << name;
  }
  EXPECT_EQ(s.count("features.19.0.weight"), 0u);
}

TEST(MobileNetV2, InitFollowsTorchvision) {
  torch::manual_seed(0);
  const auto s = state(*make_backbone(mobilenet()));
  const auto w = s.at("features.18.0.weight");  // fan_out = 1280
  EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / 1280), 0.02 * std::sqrt(2.0 / 1280));
  EXPECT_NEAR(s.at("classifier.1.weight").std().item<double>(), 0.01, 0.0005);
  EXPECT_TRUE(s.at("classifier.1.bias").eq(0).all().item<bool>());
  EXPECT_TRUE(s.at("features.5.conv.1.1.weight").eq(1).all().item<bool>());
}

TEST(MobileNetV2, EncoderKeepsDropoutAndReplacesTheLinear) {
  auto model = make_backbone(mobilenet(1.0, BackboneMode::Encoder));
  const auto s = state(*model);
  EXPECT_EQ(s.at("classifier.1.weight").sizes().vec(), (std::vector<int64_t>{256, 1280}));
  auto children = model->named_children();
  ASSERT_TRUE(children.contains("classifier"));
  EXPECT_NE(children["classifier"]->named_children()["0"]->as<torch::nn::Dropout>(), nullptr);
  EXPECT_EQ(model->forward(torch::randn({2, 3, 64, 64})).sizes().vec(),
            (std::vector<int64_t>{2, 256}));
  // Dropout is active in training only: eval outputs repeat exactly.
  model->eval();
  auto x = torch::randn({2, 3, 32, 32});
  EXPECT_TRUE(torch::equal(model->forward(x), model->forward(x)));
}

TEST(MobileNetV2, FeatureMapHasNoClassifier) {
  auto model = make_backbone(mobilenet(1.0, BackboneMode::FeatureMap));
  EXPECT_EQ(model->feature_channels(), 1280);
  EXPECT_FALSE(model->named_children().contains("classifier"));
  EXPECT_EQ(model->forward(torch::randn({2, 3, 64, 64})).sizes().vec(),
            (std::vector<int64_t>{2, 1280, 2, 2}));
}

TEST(MobileNetV2, NarrowWidthsBuildAndRun) {
  for (double width : {0.5, 0.25}) {
    SCOPED_TRACE(width);
    BackboneOptions o = mobilenet(width);
    o.num_classes = 10;
    auto model = make_backbone(o);
    EXPECT_EQ(model->feature_channels(), 1280);  // last_channel never shrinks below 1280
    const auto s = state(*model);
    const int64_t stem = width == 0.5 ? 16 : 8;
    EXPECT_EQ(s.at("features.0.0.weight").size(0), stem);
    EXPECT_EQ(s.at("features.17.conv.2.weight").size(0), width == 0.5 ? 160 : 80);
    EXPECT_LT(count_parameters(*model), 3504872);
    auto out = model->forward(torch::randn({2, 3, 32, 32}));
    EXPECT_EQ(out.sizes().vec(), (std::vector<int64_t>{2, 10}));
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
  }
  EXPECT_EQ(make_backbone(mobilenet(1.4, BackboneMode::FeatureMap))->feature_channels(), 1792);
}

TEST(MobileNetV2, ResidualOnlyWhereShapesAgree) {
  // features.1 (32→16) and the first block of each stage change shape; repeats keep it.
  auto model = MobileNetV2(mobilenet());
  auto block = [&](int i) { return model->features->ptr(i)->as<InvertedResidualImpl>(); };
  EXPECT_FALSE(block(1)->use_res_connect);
  EXPECT_FALSE(block(2)->use_res_connect);
  EXPECT_TRUE(block(3)->use_res_connect);
  EXPECT_FALSE(block(14)->use_res_connect);
  EXPECT_TRUE(block(16)->use_res_connect);
  EXPECT_FALSE(block(17)->use_res_connect);
}

TEST(MobileNetV2, EncoderBackwardGivesFiniteGradOnEveryParameter) {
  torch::manual_seed(2);
  BackboneOptions o = mobilenet(0.25, BackboneMode::Encoder);
  o.out_dim = 16;
  auto model = make_backbone(o);
  model->forward(torch::randn({2, 3, 32, 32})).pow(2).mean().backward();
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
  }
  EXPECT_GT(model->named_parameters()["features.0.0.weight"].grad().abs().sum().item<double>(),
            0.0);
}

TEST(MobileNetV2, RejectsNonPositiveWidth) {
  for (double width : {0.0, -1.0, std::nan("")}) {
    EXPECT_THROW(make_backbone(mobilenet(width)), std::invalid_argument) << width;
  }
}

}  // namespace
}  // namespace pgd::backbones
