// load_torchscript_weights: round trip through a TorchScript archive written by torch::save,
// and the errors for mismatched, missing and unreadable files.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "methods/backbones/backbone.h"

namespace pgd::backbones {
namespace {

std::string temp_path(const std::string& stem) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test = info->name();  // parameterized names hold '/'
  std::replace(test.begin(), test.end(), '/', '_');
  return ::testing::TempDir() + "pgd_backbones_" + test + "_" + stem + ".pt";
}

BackboneOptions options(const std::string& name, BackboneMode mode, int64_t classes = 10,
                        double width = 1.0) {
  BackboneOptions o;
  o.name = name;
  o.mode = mode;
  o.num_classes = classes;
  o.width = width;
  return o;
}

// A trained-looking model: one train-mode forward moves BN statistics off their init.
std::shared_ptr<Backbone> source_model(const BackboneOptions& o) {
  torch::manual_seed(11);
  auto model = make_backbone(o);
  model->forward(torch::randn({2, 3, 32, 32}));
  model->eval();
  return model;
}

void save(const std::shared_ptr<Backbone>& model, const std::string& path) {
  torch::save(std::static_pointer_cast<torch::nn::Module>(model), path);
}

void expect_message_has(const std::function<void()>& call, const std::vector<std::string>& parts) {
  try {
    call();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    for (const auto& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "'" << part << "' not in: " << e.what();
    }
  }
}

class RoundTrip : public ::testing::TestWithParam<BackboneOptions> {};

TEST_P(RoundTrip, OutputsEqualAfterLoading) {
  const BackboneOptions o = GetParam();
  auto source = source_model(o);
  const std::string path = temp_path(o.name);
  save(source, path);

  torch::manual_seed(12);
  auto target = make_backbone(o);
  target->eval();
  auto x = torch::randn({2, 3, 32, 32});
  ASSERT_FALSE(torch::allclose(target->forward(x), source->forward(x)));
  load_torchscript_weights(*target, path);
  EXPECT_TRUE(torch::equal(target->forward(x), source->forward(x)));
  // Buffers travel too, num_batches_tracked included.
  auto source_buffers = source->named_buffers();
  for (const auto& b : target->named_buffers()) {
    EXPECT_TRUE(torch::equal(b.value(), source_buffers[b.key()])) << b.key();
  }
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Backbones, RoundTrip,
                         ::testing::Values(options("resnet18", BackboneMode::Classifier),
                                           options("mobilenetv2", BackboneMode::Encoder, 10, 0.25)),
                         [](const auto& info) { return info.param.name; });

TEST(TorchScriptWeights, ShapeMismatchNamesTheParameterAndFile) {
  const std::string path = temp_path("ten");
  save(source_model(options("resnet18", BackboneMode::Classifier, 10)), path);
  auto target = make_backbone(options("resnet18", BackboneMode::Classifier, 5));
  const auto before = target->named_parameters()["conv1.weight"].clone();
  expect_message_has([&] { load_torchscript_weights(*target, path); },
                     {"fc.weight", "[5, 512]", "[10, 512]", "fc.bias", path});
  // Checked before copying: a failed load leaves the model as it was.
  EXPECT_TRUE(torch::equal(target->named_parameters()["conv1.weight"], before));
  std::remove(path.c_str());
}

TEST(TorchScriptWeights, SkippedPrefixesAreLeftAsInitialized) {
  const std::string path = temp_path("ten");
  auto source = source_model(options("resnet18", BackboneMode::Classifier, 10));
  save(source, path);
  auto target = make_backbone(options("resnet18", BackboneMode::Encoder));
  const auto fc_before = target->named_parameters()["fc.weight"].clone();
  load_torchscript_weights(*target, path, {"fc."});
  EXPECT_TRUE(torch::equal(target->named_parameters()["fc.weight"], fc_before));
  EXPECT_TRUE(torch::equal(target->named_parameters()["layer4.1.conv2.weight"],
                           source->named_parameters()["layer4.1.conv2.weight"]));
  std::remove(path.c_str());
}

TEST(TorchScriptWeights, MissingNamesAreErrorsButExtraNamesAreNot) {
  const std::string headless = temp_path("headless");
  save(source_model(options("resnet18", BackboneMode::FeatureMap)), headless);
  expect_message_has(
      [&] {
        auto target = make_backbone(options("resnet18", BackboneMode::Classifier));
        load_torchscript_weights(*target, headless);
      },
      {"fc.weight", "missing", headless});
  // A classifier file feeds a feature-map model: its fc is simply not used.
  const std::string full = temp_path("full");
  save(source_model(options("resnet18", BackboneMode::Classifier)), full);
  auto feature_map = make_backbone(options("resnet18", BackboneMode::FeatureMap));
  EXPECT_NO_THROW(load_torchscript_weights(*feature_map, full));
  std::remove(headless.c_str());
  std::remove(full.c_str());
}

TEST(TorchScriptWeights, ListsAtMostTenOffenders) {
  const std::string path = temp_path("mobilenet");
  save(source_model(options("mobilenetv2", BackboneMode::FeatureMap, 10, 0.25)), path);
  auto target = make_backbone(options("resnet18", BackboneMode::FeatureMap));
  try {
    load_torchscript_weights(*target, path);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("first 10 listed"), std::string::npos) << message;
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 10) << message;
  }
  std::remove(path.c_str());
}

TEST(TorchScriptWeights, UnreadableFilesNameThePath) {
  auto model = make_backbone(options("resnet18", BackboneMode::FeatureMap));
  const std::string absent = temp_path("absent");
  expect_message_has([&] { load_torchscript_weights(*model, absent); }, {absent});
  const std::string garbage = temp_path("garbage");
  std::ofstream(garbage) << "not a zip archive";
  expect_message_has([&] { load_torchscript_weights(*model, garbage); }, {garbage});
  std::remove(garbage.c_str());
}

}  // namespace
}  // namespace pgd::backbones
