#include "methods/method_factory.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "method_test_util.h"
#include "methods/gradient_descent.h"
#include "methods/patch_gradient_descent.h"

namespace pgd::methods {
namespace {

using testing::build;
using testing::tiny_config;

TEST(MethodFactory, BuildsEachMethodByName) {
  auto gd = build(tiny_config("gd"));
  EXPECT_EQ(gd->name(), "gd");
  EXPECT_NE(dynamic_cast<GradientDescent*>(gd.get()), nullptr);
  auto pgd = build(tiny_config("patchgd"));
  EXPECT_EQ(pgd->name(), "patchgd");
  EXPECT_NE(dynamic_cast<PatchGradientDescent*>(pgd.get()), nullptr);
}

TEST(MethodFactory, UnknownMethodNameListsTheValidOnes) {
  auto cfg = tiny_config("sgd");
  try {
    build(cfg);
    FAIL();
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("method.name"), std::string::npos) << what;
    EXPECT_NE(what.find("patchgd"), std::string::npos) << what;
  }
}

TEST(MethodFactory, BadBackboneKeysAreNamed) {
  auto cfg = tiny_config("patchgd");
  cfg["backbone"]["name"] = "vgg16";
  try {
    build(cfg);
    FAIL();
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("backbone.name"), std::string::npos);
  }
  cfg = tiny_config("patchgd");
  cfg["backbone"]["width"] = 0.0;
  try {
    build(cfg);
    FAIL();
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("backbone.width"), std::string::npos);
  }
  cfg = tiny_config("patchgd");
  cfg["backbone"]["weights"] = "/nonexistent/weights.pt";
  try {
    build(cfg);
    FAIL();
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("backbone.weights"), std::string::npos);
  }
}

TEST(MethodFactory, PatchGdEncoderAndParameterCount) {
  auto cfg = tiny_config("patchgd");
  cfg["backbone"]["name"] = "mobilenetv2";
  cfg["backbone"]["width"] = 0.25;
  auto method = build(cfg);
  auto& pgd = dynamic_cast<PatchGradientDescent&>(*method);
  EXPECT_EQ(pgd.network()->backbone->mode(), backbones::BackboneMode::Encoder);
  int64_t expected = 0;
  for (const auto& p : pgd.network()->parameters()) expected += p.numel();
  EXPECT_EQ(method->parameter_count(), expected);
  EXPECT_EQ(pgd.optimizer().current_lrs().size(), 2u);  // backbone and head groups
  // The encoder maps each patch to D = head.latent_dim.
  auto [images, labels] = testing::pattern_batch(2);
  EXPECT_EQ(method->train_batch(images, labels).count, 2);
  EXPECT_EQ(method->predict(images).sizes(), torch::IntArrayRef({2, 3}));
}

}  // namespace
}  // namespace pgd::methods
