#include "methods/activation_checkpoint.h"

#include <torch/torch.h>

#include "methods/forward_replay.h"

namespace pgd::methods {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What backward needs besides the saved input; held by the context as a capsule, since its
// saved_data takes IValues only.
struct SegmentReplay : torch::CustomClassHolder {
  std::function<torch::Tensor(const torch::Tensor&)> segment;
  torch::nn::Module* batchnorm_owner = nullptr;
  RngSnapshot rng;
  bool input_requires_grad = false;
};

struct CheckpointFunction : torch::autograd::Function<CheckpointFunction> {
  // `anchor`: an empty tensor that requires grad, so the output is part of the graph even when
  // x is not (the first segment's input is the image).
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& anchor,
                               c10::intrusive_ptr<SegmentReplay> replay) {
    // Function::apply runs this with grad mode off: the segment keeps no activations.
    replay->input_requires_grad = x.requires_grad();
    replay->rng = capture_rng(x.device());
    ctx->save_for_backward({x});
    auto out = replay->segment(x);
    ctx->saved_data["replay"] = c10::IValue::make_capsule(std::move(replay));
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    auto replay =
        c10::static_intrusive_pointer_cast<SegmentReplay>(ctx->saved_data["replay"].toCapsule());
    auto input = saved[0].detach().requires_grad_(replay->input_requires_grad);
    {
      ReplayGuard guard(*replay->batchnorm_owner, replay->rng);
      torch::Tensor out;
      {
        torch::AutoGradMode grad_mode(true);
        out = replay->segment(input);
      }
      // Reentrant backward through the recomputed graph: the segment's parameters accumulate
      // their gradients here; the input's comes back to the outer graph.
      torch::autograd::backward({out}, {grad_outputs[0]});
    }
    // One gradient per argument of forward: x, the anchor, the replay (not a tensor).
    return {replay->input_requires_grad ? input.grad() : torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

torch::Tensor checkpoint(const std::function<torch::Tensor(const torch::Tensor&)>& segment,
                         const torch::Tensor& x, torch::nn::Module& batchnorm_owner) {
  auto replay = c10::make_intrusive<SegmentReplay>();
  replay->segment = segment;
  replay->batchnorm_owner = &batchnorm_owner;
  auto anchor = torch::empty({0}, x.options().requires_grad(true));
  return CheckpointFunction::apply(x, anchor, std::move(replay));
}

torch::Tensor checkpointed_forward(backbones::Backbone& backbone,
                                   backbones::SegmentGranularity granularity,
                                   const torch::Tensor& x) {
  if (!torch::GradMode::is_enabled()) return backbone.forward(x);
  const auto segments = backbone.feature_segments(granularity);
  torch::Tensor h = x;
  for (size_t i = 0; i + 1 < segments.size(); ++i) h = checkpoint(segments[i].run, h, backbone);
  h = segments.back().run(h);
  return backbone.forward_from_features(h);
}

}  // namespace pgd::methods
