// patchgd models [--backbone X]: architecture summaries and parameter counts.
#include <iostream>

#include "harness/cli/cli_common.h"
#include "methods/backbones/backbone.h"

namespace pgd::cli {

int cmd_models(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd models",
                          "Summaries of the backbones: stages, parameters, MACs per image.");
    opts.add_options()("backbone", "resnet18|resnet34|resnet50|mobilenetv2 (default: all)",
                       cxxopts::value<std::string>()->default_value(""))(
        "width", "MobileNetV2 width multiplier", cxxopts::value<double>()->default_value("1.0"))(
        "image-size", "input side for shapes and MACs",
        cxxopts::value<int64_t>()->default_value("224"))(
        "mode", "classifier|encoder|featuremap",
        cxxopts::value<std::string>()->default_value("classifier"))(
        "num-classes", "classifier outputs", cxxopts::value<int64_t>()->default_value("1000"))(
        "out-dim", "encoder output D", cxxopts::value<int64_t>()->default_value("256"));
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    std::vector<std::string> names = {"resnet18", "resnet34", "resnet50", "mobilenetv2"};
    if (!r["backbone"].as<std::string>().empty()) names = {r["backbone"].as<std::string>()};
    const std::string mode = r["mode"].as<std::string>();
    backbones::BackboneOptions bo;
    if (mode == "classifier")
      bo.mode = backbones::BackboneMode::Classifier;
    else if (mode == "encoder")
      bo.mode = backbones::BackboneMode::Encoder;
    else if (mode == "featuremap")
      bo.mode = backbones::BackboneMode::FeatureMap;
    else
      throw UsageError("--mode '" + mode + "': expected classifier, encoder or featuremap");
    bo.num_classes = r["num-classes"].as<int64_t>();
    bo.out_dim = r["out-dim"].as<int64_t>();
    for (const auto& n : names) {
      bo.name = n;
      bo.width = n == "mobilenetv2" ? r["width"].as<double>() : 1.0;
      std::cout << backbones::describe_backbone(bo, r["image-size"].as<int64_t>()) << "\n";
    }
    return 0;
  });
}

}  // namespace pgd::cli
