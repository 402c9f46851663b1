// make_backbone / validate_backbone_options: the errors name the value at fault; every name
// builds in every mode with the documented output shape.
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "methods/backbones/backbone.h"

namespace pgd::backbones {
namespace {

std::string error_of(const BackboneOptions& o) {
  try {
    make_backbone(o);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(MakeBackbone, UnknownNameListsTheValidNames) {
  BackboneOptions o;
  o.name = "resnet101";
  const std::string message = error_of(o);
  ASSERT_FALSE(message.empty());
  for (const auto& part : {"'resnet101'", "resnet18", "resnet34", "resnet50", "mobilenetv2"}) {
    EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
  }
  o.name = "";
  EXPECT_THROW(validate_backbone_options(o), std::invalid_argument);
  o.name = "ResNet50";  // names are exact, as in the config files
  EXPECT_THROW(validate_backbone_options(o), std::invalid_argument);
}

TEST(MakeBackbone, ValidNamesInDisplayOrder) {
  EXPECT_EQ(backbone_names(),
            (std::vector<std::string>{"resnet18", "resnet34", "resnet50", "mobilenetv2"}));
  EXPECT_EQ(to_string(BackboneMode::Classifier), "classifier");
  EXPECT_EQ(to_string(BackboneMode::Encoder), "encoder");
  EXPECT_EQ(to_string(BackboneMode::FeatureMap), "feature_map");
}

TEST(MakeBackbone, WidthRules) {
  BackboneOptions o;
  o.name = "resnet34";
  o.width = 2.0;
  EXPECT_EQ(error_of(o), "");  // every backbone takes any positive multiplier
  o.width = 0.0;
  EXPECT_NE(error_of(o).find("width 0"), std::string::npos) << error_of(o);
  o.name = "mobilenetv2";
  o.width = 2.0;
  EXPECT_EQ(error_of(o), "");
  o.width = -0.5;
  EXPECT_NE(error_of(o).find("width -0.5"), std::string::npos) << error_of(o);
}

TEST(MakeBackbone, HeadSizesAreCheckedWhereTheModeUsesThem) {
  BackboneOptions o;
  o.name = "resnet18";
  o.num_classes = 0;
  EXPECT_NE(error_of(o).find("num_classes 0"), std::string::npos) << error_of(o);
  o.mode = BackboneMode::Encoder;
  EXPECT_EQ(error_of(o), "");  // an encoder has no classes
  o.out_dim = -3;
  EXPECT_NE(error_of(o).find("out_dim -3"), std::string::npos) << error_of(o);
  o.mode = BackboneMode::FeatureMap;
  EXPECT_EQ(error_of(o), "");
}

TEST(MakeBackbone, EveryNameBuildsInEveryMode) {
  torch::NoGradGuard no_grad;
  for (const auto& name : backbone_names()) {
    if (name == "resnet34" || name == "resnet50") continue;  // same code as resnet18; slow init
    for (auto mode : {BackboneMode::Classifier, BackboneMode::Encoder, BackboneMode::FeatureMap}) {
      SCOPED_TRACE(name + " " + to_string(mode));
      BackboneOptions o;
      o.name = name;
      o.mode = mode;
      o.num_classes = 3;
      o.out_dim = 5;
      auto model = make_backbone(o);
      model->eval();
      EXPECT_EQ(model->mode(), mode);
      auto out = model->forward(torch::randn({2, 3, 32, 32}));
      std::vector<int64_t> expected = {2, model->feature_channels(), 1, 1};  // 32 / 32 = 1
      if (mode == BackboneMode::Classifier) expected = {2, 3};
      if (mode == BackboneMode::Encoder) expected = {2, 5};
      EXPECT_EQ(out.sizes().vec(), expected);
    }
  }
}

}  // namespace
}  // namespace pgd::backbones
