// GD with activation checkpointing (method.checkpoint): the same gradients and BatchNorm running
// statistics as plain GD, for less memory.
#include "methods/activation_checkpoint.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "harness/memory/memory_cap.h"
#include "method_test_util.h"
#include "methods/gradient_descent.h"

namespace pgd::methods {
namespace {

using testing::build;
using testing::tiny_config;

nlohmann::json gd_config(const std::string& backbone, double width, const std::string& checkpoint,
                         bool freeze_bn) {
  auto cfg = tiny_config("gd");
  cfg["backbone"]["name"] = backbone;
  cfg["backbone"]["width"] = width;
  cfg["method"]["checkpoint"] = checkpoint;
  cfg["method"]["freeze_bn"] = freeze_bn;
  return cfg;
}

struct StepResult {
  double loss;
  std::map<std::string, torch::Tensor> grads, state;
};

// One accumulate_gradients on a fresh model (same seed, so the same initial weights).
StepResult gradients_of(const nlohmann::json& cfg, int64_t batch = 4) {
  torch::manual_seed(11);
  auto method = build(cfg);
  auto& gd = testing::as<GradientDescent>(method);
  auto [images, labels] = testing::pattern_batch(batch);
  const auto r = gd.accumulate_gradients(images, labels);
  return {r.loss, testing::gradients(*gd.network()), testing::parameters(*gd.network())};
}

struct Case {
  std::string backbone;
  double width;
  std::string checkpoint;
};

class CheckpointedGd : public ::testing::TestWithParam<Case> {};

// Eval-mode BatchNorm: the recomputation is the same arithmetic, so the gradients agree to float
// rounding (summation order inside LibTorch's kernels may differ between calls).
TEST_P(CheckpointedGd, GradientsEqualPlainGdWithFrozenBatchNorm) {
  const auto& c = GetParam();
  const auto plain = gradients_of(gd_config(c.backbone, c.width, "off", true));
  const auto ckpt = gradients_of(gd_config(c.backbone, c.width, c.checkpoint, true));
  EXPECT_NEAR(ckpt.loss, plain.loss, 1e-6 * plain.loss);
  std::string worst;
  EXPECT_LT(testing::max_relative_difference(ckpt.grads, plain.grads, &worst), 1e-5) << worst;
}

// Train-mode BatchNorm: the replay normalises with the same batch statistics; gradients agree
// within 1e-4 relative, and the running statistics were updated once (not twice).
TEST_P(CheckpointedGd, TrainModeGradientsAndRunningStatisticsEqualPlainGd) {
  const auto& c = GetParam();
  const auto plain = gradients_of(gd_config(c.backbone, c.width, "off", false));
  const auto ckpt = gradients_of(gd_config(c.backbone, c.width, c.checkpoint, false));
  EXPECT_NEAR(ckpt.loss, plain.loss, 1e-6 * plain.loss);
  std::string worst;
  EXPECT_LT(testing::max_relative_difference(ckpt.grads, plain.grads, &worst), 1e-4) << worst;
  for (const auto& [name, value] : plain.state) {
    if (name.find("running_") == std::string::npos && name.find("num_batches") == std::string::npos)
      continue;
    EXPECT_TRUE(torch::allclose(ckpt.state.at(name).to(torch::kDouble), value.to(torch::kDouble),
                                1e-5, 1e-6))
        << name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Backbones, CheckpointedGd,
    ::testing::Values(Case{"resnet18", 1.0, "stages"}, Case{"resnet18", 1.0, "blocks"},
                      Case{"mobilenetv2", 0.25, "stages"}, Case{"mobilenetv2", 0.25, "blocks"}),
    [](const auto& info) { return info.param.backbone + "_" + info.param.checkpoint; });

// The segments of every backbone, run in order, are its forward pass.
TEST(BackboneSegments, ChainEqualsForward) {
  for (const std::string name : {"resnet18", "resnet50", "mobilenetv2"}) {
    for (auto mode : {backbones::BackboneMode::Classifier, backbones::BackboneMode::FeatureMap}) {
      backbones::BackboneOptions o;
      o.name = name;
      o.width = name == "mobilenetv2" ? 0.35 : 1.0;
      o.mode = mode;
      o.num_classes = 5;
      auto b = backbones::make_backbone(o);
      b->eval();
      torch::NoGradGuard no_grad;
      auto x = torch::randn({2, 3, 64, 64});
      for (auto g :
           {backbones::SegmentGranularity::Stages, backbones::SegmentGranularity::Blocks}) {
        torch::Tensor h = x;
        const auto segments = b->feature_segments(g);
        EXPECT_GE(segments.size(), 5u) << name;
        for (const auto& s : segments) h = s.run(h);
        EXPECT_TRUE(torch::equal(b->forward_from_features(h), b->forward(x))) << name;
      }
    }
  }
}

// A parameter before the first checkpointed segment's input and one inside it both get their
// gradients, also when the input does not require grad.
TEST(Checkpoint, GradientsReachParametersAndInput) {
  torch::manual_seed(3);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(2, 2, 3).padding(1));
  torch::nn::BatchNorm2d bn(2);
  auto segment = [&](const torch::Tensor& x) { return torch::relu(bn(conv(x))); };
  auto x = torch::randn({2, 2, 5, 5});

  auto y_plain = segment(x).pow(2).sum();
  y_plain.backward();
  auto expected = conv->weight.grad().clone();
  auto stats = bn->running_mean.clone();
  conv->weight.mutable_grad().zero_();

  torch::nn::Sequential owner(bn);
  bn->running_mean.zero_();  // replays must restore the buffers, not invent them
  auto y = checkpoint(segment, x, *owner).pow(2).sum();
  y.backward();
  EXPECT_TRUE(torch::allclose(conv->weight.grad(), expected, 1e-5, 1e-6));
  // One update from zero, where the plain pass updated from zero too.
  EXPECT_TRUE(torch::allclose(bn->running_mean, stats, 1e-6, 1e-7));

  auto xi = x.clone().requires_grad_(true);
  checkpoint(segment, xi, *owner).pow(2).sum().backward();
  auto xr = x.clone().requires_grad_(true);
  segment(xr).pow(2).sum().backward();
  EXPECT_TRUE(torch::allclose(xi.grad(), xr.grad(), 1e-5, 1e-6));
}

// Dropout inside a checkpointed segment draws the same mask in the replay.
TEST(Checkpoint, ReplayDrawsTheSameRandomNumbers) {
  torch::manual_seed(5);
  torch::nn::Linear fc(8, 8);
  auto segment = [&](const torch::Tensor& x) { return torch::dropout(fc(x), 0.5, /*train=*/true); };
  torch::nn::Sequential owner(fc);
  auto x = torch::randn({4, 8});
  torch::manual_seed(9);
  segment(x).sum().backward();
  auto expected = fc->weight.grad().clone();
  fc->weight.mutable_grad().zero_();
  torch::manual_seed(9);
  checkpoint(segment, x, *owner).sum().backward();
  EXPECT_TRUE(torch::allclose(fc->weight.grad(), expected, 1e-6, 1e-7));
}

// Peak memory (the capping allocator's accounting) of one GD gradient step at 256², batch 4.
uint64_t peak_of_step(const std::string& checkpoint) {
  auto cfg = gd_config("mobilenetv2", 0.5, checkpoint, false);
  torch::manual_seed(1);
  auto method =
      make_method(spec::read_method_options(config::ConfigView(cfg)), testing::tiny_context(256));
  auto& gd = testing::as<GradientDescent>(method);
  auto [images, labels] = testing::pattern_batch(4, 256);
  memory::install_capping_cpu_allocator();
  memory::MemoryCap cap(std::nullopt, torch::kCPU);
  const uint64_t before = cap.live_bytes();
  gd.accumulate_gradients(images, labels);
  return cap.peak_bytes() - before;
}

TEST(CheckpointedGd, PeakMemoryIsLower) {
  const uint64_t plain = peak_of_step("off");
  const uint64_t stages = peak_of_step("stages");
  const uint64_t blocks = peak_of_step("blocks");
  // Loose: the exact saving depends on the backbone; at 256² the activations dominate.
  EXPECT_LT(stages, plain * 0.8) << "plain " << plain << " stages " << stages;
  EXPECT_LT(blocks, plain * 0.8) << "plain " << plain << " blocks " << blocks;
}

}  // namespace
}  // namespace pgd::methods
