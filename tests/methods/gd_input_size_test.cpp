// GD at a reduced resolution (method.input_size): each image area-resized before the backbone.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "method_test_util.h"
#include "methods/gradient_descent.h"

namespace pgd::methods {
namespace {

nlohmann::json with_input_size(int64_t size) {
  auto cfg = testing::tiny_config("gd");
  cfg["backbone"] = {{"name", "mobilenetv2"}, {"width", 0.25}, {"weights", nullptr}};
  cfg["method"]["input_size"] = size;
  return cfg;
}

// A 64² model at input_size 32 predicts on a 64² image what a 32² model predicts on its area
// average: the same weights see the 2×2-mean image.
TEST(GdInputSize, PredictsOnTheAreaResizedImage) {
  torch::manual_seed(4);
  auto reduced = testing::build(with_input_size(32), 64);
  torch::manual_seed(4);
  auto native = testing::build(with_input_size(0), 32);
  EXPECT_EQ(testing::as<GradientDescent>(reduced).input_side(), 32);
  auto x = torch::rand({2, 3, 64, 64});
  auto area = torch::avg_pool2d(x, 2);
  EXPECT_TRUE(torch::allclose(reduced->predict(x), native->predict(area), 1e-5, 1e-6));
}

TEST(GdInputSize, HeadIsBuiltForTheReducedSide) {
  auto m = testing::build(with_input_size(96), 192);
  auto& gd = testing::as<GradientDescent>(m);
  EXPECT_EQ(gd.input_side(), 96);
  EXPECT_EQ(gd.network()->head->options.grid_h, feature_map_side(96, 32));
  auto [x, y] = testing::pattern_batch(2, 192);
  EXPECT_NO_THROW(gd.train_batch(x, y));
}

TEST(GdInputSize, LargerThanTheImageIsRefused) {
  EXPECT_THROW(testing::build(with_input_size(128), 64), std::invalid_argument);
}

}  // namespace
}  // namespace pgd::methods
