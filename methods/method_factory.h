#pragma once
// Building methods from the resolved config (make_method is declared in method.h).
#include <cstdint>
#include <memory>

#include "methods/backbones/backbone.h"
#include "methods/method.h"

namespace pgd::methods {

// The backbone `spec` names (name, width, weights) in `mode`: Classifier with
// ctx.num_classes outputs, Encoder with `out_dim` outputs, or FeatureMap. With `weights` set, the
// TorchScript file's tensors are loaded; the classifier ("fc." / "classifier.") is not required to
// match unless the mode keeps torchvision's own 1000-way classifier. Not yet moved to ctx.device.
std::shared_ptr<backbones::Backbone> make_configured_backbone(const BackboneSpec& spec,
                                                              const MethodContext& ctx,
                                                              backbones::BackboneMode mode,
                                                              int64_t out_dim);

}  // namespace pgd::methods
