#include "methods/latent_head.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

namespace pgd::methods {
namespace {

LatentHeadOptions options(int64_t grid, int64_t layers, int64_t channels, double dropout) {
  LatentHeadOptions o;
  o.latent_dim = 8;
  o.channels = channels;
  o.layers = layers;
  o.dropout = dropout;
  o.num_classes = 5;
  o.grid_h = o.grid_w = grid;
  return o;
}

TEST(LatentHead, OutputSideFollowsTheStrideTwoLayers) {
  EXPECT_EQ(latent_head_output_side(16, 4), 2);  // 16 → 16 → 8 → 4 → 2
  EXPECT_EQ(latent_head_output_side(4, 4), 1);   // 4 → 4 → 2 → 1 → 1
  EXPECT_EQ(latent_head_output_side(5, 2), 3);   // ⌊(5−1)/2⌋+1
  EXPECT_EQ(latent_head_output_side(7, 1), 7);
}

TEST(LatentHead, PaperHeadHasA1024WideLinearAtN16) {
  auto o = options(16, 4, 256, 0.2);
  o.latent_dim = 256;
  LatentHead head(o);
  EXPECT_EQ(head->linear->weight.size(1), 1024);
  EXPECT_EQ(head->linear->weight.size(0), 5);
}

TEST(LatentHead, ForwardShapeAndReferenceNames) {
  LatentHead head(options(4, 3, 6, 0.2));
  auto logits = head->forward(torch::randn({2, 8, 4, 4}));
  EXPECT_EQ(logits.sizes(), torch::IntArrayRef({2, 5}));
  auto params = head->named_parameters();
  EXPECT_TRUE(params.contains("layers.0.0.weight"));  // conv of layer 1
  EXPECT_TRUE(params.contains("layers.2.2.weight"));  // BatchNorm of layer 3
  EXPECT_TRUE(params.contains("linear.weight"));
  EXPECT_EQ(params["layers.0.0.weight"].sizes(), torch::IntArrayRef({6, 8, 3, 3}));
  EXPECT_EQ(params["layers.1.0.weight"].sizes(), torch::IntArrayRef({6, 6, 3, 3}));
  EXPECT_EQ(head->linear->weight.size(1), 6 * 1 * 1);  // 4 → 4 → 2 → 1
}

TEST(LatentHead, LayerOrderIsConvReluBatchNormDropout) {
  LatentHead head(options(4, 1, 6, 0.3));
  auto block = head->blocks.at(0);
  ASSERT_EQ(block->size(), 4u);
  EXPECT_NE(block->ptr(0)->as<torch::nn::Conv2d>(), nullptr);
  EXPECT_NE(block->ptr(1)->as<torch::nn::ReLU>(), nullptr);
  EXPECT_NE(block->ptr(2)->as<torch::nn::BatchNorm2d>(), nullptr);
  EXPECT_NE(block->ptr(3)->as<torch::nn::Dropout2d>(), nullptr);
}

TEST(LatentHead, ZeroDropoutLeavesDropoutOutAndIsDeterministicInTraining) {
  LatentHead head(options(4, 2, 6, 0.0));
  for (const auto& block : head->blocks) EXPECT_EQ(block->size(), 3u);
  head->train();
  auto z = torch::randn({3, 8, 4, 4});
  EXPECT_TRUE(torch::equal(head->forward(z), head->forward(z)));
}

TEST(LatentHead, RejectsAWrongInputShape) {
  LatentHead head(options(4, 2, 6, 0.0));
  EXPECT_THROW(head->forward(torch::randn({2, 8, 5, 5})), c10::Error);
  EXPECT_THROW(head->forward(torch::randn({2, 7, 4, 4})), c10::Error);
}

TEST(LatentHead, OptionsFromConfigNameTheBadKey) {
  nlohmann::json j = {
      {"head", {{"layers", 3}, {"channels", 16}, {"dropout", 0.1}, {"latent_dim", 8}}}};
  config::ConfigView root(j);
  auto o = make_latent_head_options(root.at("head"), 8, 4, 16, 16);
  EXPECT_EQ(o.layers, 3);
  EXPECT_EQ(o.channels, 16);
  EXPECT_DOUBLE_EQ(o.dropout, 0.1);

  j["head"]["layers"] = 0;
  try {
    make_latent_head_options(config::ConfigView(j).at("head"), 8, 4, 16, 16);
    FAIL() << "expected ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("head.layers"), std::string::npos) << e.what();
  }
  j["head"]["layers"] = 2;
  j["head"]["dropout"] = 1.0;
  EXPECT_THROW(make_latent_head_options(config::ConfigView(j).at("head"), 8, 4, 16, 16),
               config::ConfigError);
}

}  // namespace
}  // namespace pgd::methods
