// memory_format=channels_last: the convolutions' weights and inputs in NHWC, which oneDNN (CPU)
// and cuDNN run without reordering at every layer. It must change speed only, not what a
// method computes, and checkpoints must move between the two layouts.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "harness/config/config_error.h"
#include "method_test_util.h"
#include "methods/gradient_descent.h"
#include "methods/network.h"
#include "methods/patch_gradient_descent.h"

namespace pgd::methods {
namespace {

using testing::build;
using testing::gradients;
using testing::max_relative_difference;
using testing::parameters;
using testing::pattern_batch;
using testing::tiny_config;

nlohmann::json with_format(const std::string& method, const std::string& format) {
  auto cfg = tiny_config(method);
  cfg["memory_format"] = format;
  return cfg;
}

// Initial weights come from LibTorch's global generator: the same seed gives the same model.
std::unique_ptr<Method> build_seeded(const nlohmann::json& cfg) {
  torch::manual_seed(11);
  return build(cfg);
}

NetworkMethod& as_network(std::unique_ptr<Method>& m) { return dynamic_cast<NetworkMethod&>(*m); }

TrainStepResult accumulate(Method& m, const torch::Tensor& images, const torch::Tensor& labels) {
  if (auto* gd = dynamic_cast<GradientDescent*>(&m))
    return gd->accumulate_gradients(images, labels);
  return dynamic_cast<PatchGradientDescent&>(m).accumulate_gradients(images, labels);
}

// ‖a − b‖ / ‖b‖ over every tensor of two maps at once (names must agree).
double relative_norm_difference(const std::map<std::string, torch::Tensor>& a,
                                const std::map<std::string, torch::Tensor>& b) {
  double diff = 0, norm = 0;
  for (const auto& [name, tb] : b) {
    diff += (a.at(name) - tb).pow(2).sum().item<double>();
    norm += tb.pow(2).sum().item<double>();
  }
  return std::sqrt(diff / std::max(norm, 1e-30));
}

class MemoryFormatTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MemoryFormatTest, ChannelsLastPutsEveryConvWeightInNhwcAndContiguousKeepsNchw) {
  auto nhwc = build(with_format(GetParam(), "channels_last"));
  auto plain = build(with_format(GetParam(), "contiguous"));
  EXPECT_EQ(as_network(nhwc).memory_format(), c10::MemoryFormat::ChannelsLast);
  EXPECT_EQ(as_network(plain).memory_format(), c10::MemoryFormat::Contiguous);
  int64_t spatial_convs = 0;
  for (const auto& p : as_network(nhwc).network()->named_parameters()) {
    if (p.value().dim() != 4) continue;
    EXPECT_TRUE(p.value().is_contiguous(c10::MemoryFormat::ChannelsLast)) << p.key();
    if (p.value().size(2) > 1 && p.value().size(1) > 1) {
      EXPECT_FALSE(p.value().is_contiguous()) << p.key();
      ++spatial_convs;
    }
  }
  EXPECT_GT(spatial_convs, 10);
  for (const auto& p : as_network(plain).network()->parameters()) EXPECT_TRUE(p.is_contiguous());
}

TEST_P(MemoryFormatTest, ChannelsLastComputesTheSameLossGradientsAndPredictions) {
  auto [images, labels] = pattern_batch(4);
  auto nhwc = build_seeded(with_format(GetParam(), "channels_last"));
  auto plain = build_seeded(with_format(GetParam(), "contiguous"));
  const auto r_nhwc = accumulate(*nhwc, images, labels);
  const auto r_plain = accumulate(*plain, images, labels);
  EXPECT_NEAR(r_nhwc.loss, r_plain.loss, 1e-5 * std::abs(r_plain.loss) + 1e-6);
  // Over all gradients together: oneDNN's NHWC BatchNorm backward sums in float where the NCHW
  // kernel sums in double, so single near-cancelling sums (an early BatchNorm's bias) differ by
  // up to 1% of their own size (measured against a float64 run: NCHW 6e-5, NHWC 1e-2), while the
  // gradient as a whole differs by 4e-4 (GD) and 3e-5 (PatchGD). A wrong layout differs by O(1).
  EXPECT_LT(relative_norm_difference(gradients(*as_network(nhwc).network()),
                                     gradients(*as_network(plain).network())),
            2e-3);
  EXPECT_TRUE(torch::allclose(nhwc->predict(images), plain->predict(images), 1e-4, 1e-5));
}

TEST_P(MemoryFormatTest, TrainingKeepsTheLayoutAndCheckpointsLoadAcrossLayouts) {
  auto [images, labels] = pattern_batch(4);
  auto nhwc = build_seeded(with_format(GetParam(), "channels_last"));
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(std::isfinite(nhwc->train_batch(images, labels).loss));
  for (const auto& p : as_network(nhwc).network()->parameters()) {
    if (p.dim() == 4) {
      EXPECT_TRUE(p.is_contiguous(c10::MemoryFormat::ChannelsLast));
    }
  }

  const auto path = testing::temp_path("layout_" + GetParam());
  nhwc->save_checkpoint(path);
  auto plain = build_seeded(with_format(GetParam(), "contiguous"));
  plain->load_checkpoint(path);
  std::filesystem::remove(path);
  EXPECT_LT(max_relative_difference(parameters(*as_network(plain).network()),
                                    parameters(*as_network(nhwc).network())),
            1e-7);
  for (const auto& p : as_network(plain).network()->parameters()) EXPECT_TRUE(p.is_contiguous());
  EXPECT_TRUE(torch::allclose(plain->predict(images), nhwc->predict(images), 1e-4, 1e-5));
}

TEST_P(MemoryFormatTest, AutoAndAbsentMeanChannelsLastOnTheCpu) {
  auto automatic = build(with_format(GetParam(), "auto"));
  auto without_key = tiny_config(GetParam());
  without_key.erase("memory_format");
  auto absent = build(without_key);
  EXPECT_EQ(as_network(automatic).memory_format(), c10::MemoryFormat::ChannelsLast);
  EXPECT_EQ(as_network(absent).memory_format(), c10::MemoryFormat::ChannelsLast);
  auto cfg = with_format(GetParam(), "auto");
  EXPECT_EQ(read_memory_format(config::ConfigView(cfg), torch::Device(torch::kCUDA, 0)),
            c10::MemoryFormat::Contiguous);
  cfg["memory_format"] = "channels_last";
  EXPECT_EQ(read_memory_format(config::ConfigView(cfg), torch::Device(torch::kCUDA, 0)),
            c10::MemoryFormat::ChannelsLast);
}

INSTANTIATE_TEST_SUITE_P(Methods, MemoryFormatTest, ::testing::Values("gd", "patchgd"));

TEST(MemoryFormat, AnUnknownValueNamesTheKeyAndTheChoices) {
  try {
    build(with_format("gd", "nhwc"));
    FAIL() << "memory_format=nhwc was accepted";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("memory_format"), std::string::npos) << what;
    EXPECT_NE(what.find("channels_last"), std::string::npos) << what;
    EXPECT_NE(what.find("nhwc"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace pgd::methods
