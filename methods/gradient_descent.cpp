#include "methods/gradient_descent.h"

#include <algorithm>

#include <torch/torch.h>

#include "methods/method_factory.h"

namespace pgd::methods {
namespace {

Network build_gd_network(const MethodOptions& options, const MethodContext& ctx) {
  if (options.classifier == GdClassifier::Pooled) {
    auto backbone = make_configured_backbone(options.backbone, ctx,
                                             backbones::BackboneMode::Classifier, /*out_dim=*/0);
    return Network(backbone, LatentHead(nullptr));
  }
  auto backbone = make_configured_backbone(options.backbone, ctx,
                                           backbones::BackboneMode::FeatureMap, /*out_dim=*/0);
  const int64_t side = feature_map_side(ctx.image_size, backbone->output_stride());
  auto head = make_latent_head_options(options.head, backbone->feature_channels(), ctx.num_classes,
                                       side, side);
  return Network(backbone, LatentHead(head));
}

}  // namespace

int64_t feature_map_side(int64_t image_size, int64_t output_stride) {
  int64_t side = image_size;
  for (int64_t s = output_stride; s > 1; s /= 2) side = (side + 1) / 2;
  return side;
}

GradientDescent::GradientDescent(const MethodOptions& options, const MethodContext& ctx)
    : NetworkMethod(options, ctx, build_gd_network(options, ctx)) {
  set_micro_batch(options.micro_batch);
}

void GradientDescent::set_micro_batch(int64_t micro_batch) {
  TORCH_CHECK(micro_batch >= 0, "GradientDescent: micro batch must be >= 0, got ", micro_batch);
  micro_batch_ = micro_batch;
}

torch::Tensor GradientDescent::forward(const torch::Tensor& x) {
  auto out = network_->backbone->forward(in_model_layout(x));
  return network_->head.is_empty() ? out : network_->head->forward(out);
}

TrainStepResult GradientDescent::accumulate_gradients(const torch::Tensor& images,
                                                      const torch::Tensor& labels) {
  TORCH_CHECK(images.dim() == 4 && labels.dim() == 1 && images.size(0) == labels.size(0) &&
                  images.size(0) > 0,
              "GradientDescent: expected B×3×S×S images and B labels, got ", images.sizes(),
              " and ", labels.sizes());
  auto x_all = images.to(device_, torch::kFloat);
  auto y_all = labels.to(device_, torch::kLong);
  set_train_mode();
  optimizer_->zero_grad();

  const int64_t batch = x_all.size(0);
  const int64_t micro = micro_batch_ > 0 ? std::min(micro_batch_, batch) : batch;
  TrainStepResult result;
  result.count = batch;
  double loss_sum = 0;  // Σ over micro-batches of mean loss × m/B = the batch mean
  for (int64_t start = 0; start < batch; start += micro) {
    const int64_t m = std::min(micro, batch - start);
    auto x = x_all.narrow(0, start, m);
    auto y = y_all.narrow(0, start, m);
    auto logits = forward(x);
    auto loss = torch::nn::functional::cross_entropy(logits, y) *
                (static_cast<double>(m) / static_cast<double>(batch));
    loss.backward();
    loss_sum += loss.item<double>();
    result.correct += logits.detach().argmax(1).eq(y).sum().item<int64_t>();
  }
  result.loss = loss_sum;
  return result;
}

TrainStepResult GradientDescent::train_batch(const torch::Tensor& images,
                                             const torch::Tensor& labels) {
  auto result = accumulate_gradients(images, labels);
  optimizer_->step();
  optimizer_->schedule_step();
  result.optimizer_steps = 1;
  return result;
}

void GradientDescent::calibration_forward(const torch::Tensor& images) {
  const int64_t batch = images.size(0);
  const int64_t micro = micro_batch_ > 0 ? std::min(micro_batch_, batch) : batch;
  for (int64_t start = 0; start < batch; start += micro)
    forward(images.narrow(0, start, std::min(micro, batch - start)).to(device_, torch::kFloat));
}

torch::Tensor GradientDescent::predict(const torch::Tensor& images) {
  TORCH_CHECK(images.dim() == 4 && images.size(0) > 0,
              "GradientDescent::predict: expected B×3×S×S with B > 0, got ", images.sizes());
  torch::NoGradGuard no_grad;
  set_eval_mode();
  const int64_t batch = images.size(0);
  const int64_t micro = micro_batch_ > 0 ? std::min(micro_batch_, batch) : batch;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < batch; start += micro) {
    auto x = images.narrow(0, start, std::min(micro, batch - start)).to(device_, torch::kFloat);
    parts.push_back(forward(x).to(torch::kCPU));
  }
  return parts.size() == 1 ? parts[0] : torch::cat(parts, 0);
}

}  // namespace pgd::methods
