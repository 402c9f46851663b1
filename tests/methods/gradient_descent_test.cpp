#include "methods/gradient_descent.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "method_test_util.h"

namespace pgd::methods {
namespace {

using testing::build;
using testing::tiny_config;

TEST(GradientDescent, FeatureMapSideMatchesTheBackbone) {
  EXPECT_EQ(feature_map_side(64, 32), 2);
  EXPECT_EQ(feature_map_side(100, 32), 4);  // 50, 25, 13, 7, 4
  EXPECT_EQ(feature_map_side(2048, 32), 64);
  auto method = build(tiny_config("gd"), 72);
  auto& gd = testing::as<GradientDescent>(method);
  auto map = gd.network()->backbone->forward(torch::randn({1, 3, 72, 72}));
  EXPECT_EQ(map.size(2), feature_map_side(72, 32));
  EXPECT_EQ(gd.network()->head->options.grid_h, map.size(2));
  EXPECT_EQ(gd.network()->head->options.latent_dim, 512);  // resnet18's last map
}

// The backbone's pooled classifier has no BatchNorm after the backbone, so with frozen backbone
// BatchNorm accumulation over micro-batches is exact. (The latent head's own BatchNorm trains on
// batch statistics, which do depend on the micro-batch, as in any gradient accumulation.)
TEST(GradientDescent, MicroBatchGradientsEqualTheWholeBatch) {
  torch::manual_seed(0);
  auto cfg = tiny_config("gd");
  cfg["method"]["classifier"] = "pooled";
  cfg["method"]["freeze_bn"] = true;
  auto method = build(cfg);
  auto& gd = testing::as<GradientDescent>(method);
  auto [images, labels] = testing::pattern_batch(3);

  auto whole = gd.accumulate_gradients(images, labels);
  auto expected = testing::gradients(*gd.network());
  for (int64_t micro : {1, 2}) {
    gd.set_micro_batch(micro);
    auto split = gd.accumulate_gradients(images, labels);
    EXPECT_NEAR(split.loss, whole.loss, 1e-5 * whole.loss);
    EXPECT_EQ(split.correct, whole.correct);
    std::string worst;
    EXPECT_LT(testing::max_relative_difference(testing::gradients(*gd.network()), expected, &worst),
              1e-5)
        << "micro " << micro << " worst " << worst;
  }
}

TEST(GradientDescent, TrainingReducesTheLossOnAFixedBatch) {
  for (const std::string classifier : {"head", "pooled"}) {
    torch::manual_seed(1);
    auto cfg = tiny_config("gd");
    cfg["method"]["classifier"] = classifier;
    cfg["train"]["micro_batch"] = 4;  // two micro-batches per update
    cfg["backbone"]["name"] = "mobilenetv2";
    cfg["backbone"]["width"] = 0.25;
    auto method = build(cfg);
    auto [images, labels] = testing::pattern_batch(6);
    std::vector<double> losses;
    for (int step = 0; step < 15; ++step) {
      auto r = method->train_batch(images, labels);
      EXPECT_EQ(r.optimizer_steps, 1);
      EXPECT_EQ(r.count, 6);
      losses.push_back(r.loss);
    }
    const double last = (losses[12] + losses[13] + losses[14]) / 3;
    EXPECT_LT(last, 0.6 * losses.front())
        << classifier << ": first " << losses.front() << " last " << last;
    auto logits = method->predict(images);
    EXPECT_EQ(logits.sizes(), torch::IntArrayRef({6, 3}));
  }
}

TEST(GradientDescent, PredictInMicroBatchesEqualsWholeBatch) {
  auto cfg = tiny_config("gd");
  auto method = build(cfg);
  auto& gd = testing::as<GradientDescent>(method);
  auto [images, labels] = testing::pattern_batch(5);
  auto whole = gd.predict(images);
  gd.set_micro_batch(2);
  EXPECT_TRUE(torch::allclose(gd.predict(images), whole, 1e-5, 1e-6));
}

TEST(GradientDescent, PooledHasNoHead) {
  auto cfg = tiny_config("gd");
  cfg["method"]["classifier"] = "pooled";
  auto method = build(cfg);
  EXPECT_TRUE(testing::as<GradientDescent>(method).network()->head.is_empty());
  EXPECT_EQ(testing::as<GradientDescent>(method).optimizer().current_lrs().size(), 1u);
  EXPECT_EQ(method->parameter_count(), 11689512 - 1000 * 512 - 1000 + 3 * 512 + 3);

  cfg["method"]["classifier"] = "both";
  try {
    build(cfg);
    FAIL();
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("method.classifier"), std::string::npos);
  }
}

}  // namespace
}  // namespace pgd::methods
