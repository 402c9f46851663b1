#include "methods/method_factory.h"

#include <torch/torch.h>

#include "methods/gradient_descent.h"
#include "methods/patch_gradient_descent.h"

namespace pgd::methods {

const char* method_name(MethodKind kind) { return kind == MethodKind::Gd ? "gd" : "patchgd"; }

std::shared_ptr<backbones::Backbone> make_configured_backbone(const BackboneSpec& spec,
                                                              const MethodContext& ctx,
                                                              backbones::BackboneMode mode,
                                                              int64_t out_dim) {
  backbones::BackboneOptions options;
  options.name = spec.name;
  options.width = spec.width;
  options.mode = mode;
  options.num_classes = ctx.num_classes;
  options.out_dim = out_dim;
  auto backbone = backbones::make_backbone(options);

  if (spec.weights) {
    const std::string& path = *spec.weights;
    // torchvision's files carry the 1000-way ImageNet classifier; any other head is ours.
    const bool own_classifier =
        mode == backbones::BackboneMode::Classifier && ctx.num_classes == 1000;
    std::vector<std::string> skip;
    if (!own_classifier) skip = {"fc.", "classifier."};
    try {
      backbones::load_torchscript_weights(*backbone, path, skip);
    } catch (const std::exception& e) {
      throw std::invalid_argument("backbone weights '" + path + "': " + e.what());
    }
  }
  return backbone;
}

TrainStepResult Method::train_patches(const PatchSource&, const torch::Tensor&) {
  throw std::invalid_argument("method " + name() +
                              " needs whole images and cannot read patches from a stream");
}

torch::Tensor Method::predict_patches(const PatchSource&) {
  throw std::invalid_argument("method " + name() +
                              " needs whole images and cannot read patches from a stream");
}

std::unique_ptr<Method> make_method(const MethodOptions& options, const MethodContext& ctx) {
  if (ctx.num_classes < 1)
    throw std::invalid_argument("make_method: MethodContext.num_classes must be >= 1");
  if (options.kind == MethodKind::Gd) return std::make_unique<GradientDescent>(options, ctx);
  return std::make_unique<PatchGradientDescent>(options, ctx);
}

}  // namespace pgd::methods
