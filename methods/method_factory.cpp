#include "methods/method_factory.h"

#include <torch/torch.h>

#include "methods/gradient_descent.h"
#include "methods/patch_gradient_descent.h"

namespace pgd::methods {

std::shared_ptr<backbones::Backbone> make_configured_backbone(const config::ConfigView& cfg,
                                                              const MethodContext& ctx,
                                                              backbones::BackboneMode mode,
                                                              int64_t out_dim) {
  const auto section = cfg.at("backbone");
  backbones::BackboneOptions options;
  options.name = section.get_choice("name", {"resnet18", "resnet34", "resnet50", "mobilenetv2"});
  options.width = section.get_double_in("width", 0.0, 8.0, /*lo_open=*/true);
  options.mode = mode;
  options.num_classes = ctx.num_classes;
  options.out_dim = out_dim;
  auto backbone = backbones::make_backbone(options);

  if (!section.is_null("weights")) {
    const std::string path = section.get_string("weights");
    // torchvision's files carry the 1000-way ImageNet classifier; any other head is ours.
    const bool own_classifier =
        mode == backbones::BackboneMode::Classifier && ctx.num_classes == 1000;
    std::vector<std::string> skip;
    if (!own_classifier) skip = {"fc.", "classifier."};
    try {
      backbones::load_torchscript_weights(*backbone, path, skip);
    } catch (const std::exception& e) {
      throw config::ConfigError("config key '" + section.key_path("weights") + "' ('" + path +
                                "'): " + e.what());
    }
  }
  return backbone;
}

std::unique_ptr<Method> make_method(const config::ConfigView& cfg, const MethodContext& ctx) {
  if (ctx.num_classes < 1)
    throw std::invalid_argument("make_method: MethodContext.num_classes must be >= 1");
  const std::string name = cfg.at("method").get_choice("name", {"gd", "patchgd"});
  if (name == "gd") return std::make_unique<GradientDescent>(cfg, ctx);
  return std::make_unique<PatchGradientDescent>(cfg, ctx);
}

}  // namespace pgd::methods
