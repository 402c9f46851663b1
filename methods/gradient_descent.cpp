#include "methods/gradient_descent.h"

#include <algorithm>

#include <torch/torch.h>

#include "methods/activation_checkpoint.h"
#include "methods/method_factory.h"

namespace pgd::methods {
namespace {

int64_t gd_input_side(const MethodOptions& options, const MethodContext& ctx) {
  const int64_t size = options.gd.input_size;
  if (size < 0 || size > ctx.image_size)
    throw std::invalid_argument("GD: input size " + std::to_string(size) + " is outside 1.." +
                                std::to_string(ctx.image_size) +
                                " (the image side), or 0 for the image as it is");
  return size > 0 ? size : ctx.image_size;
}

Network build_gd_network(const MethodOptions& options, const MethodContext& ctx) {
  if (options.classifier == GdClassifier::Pooled) {
    auto backbone = make_configured_backbone(options.backbone, ctx,
                                             backbones::BackboneMode::Classifier, /*out_dim=*/0);
    return Network(backbone, LatentHead(nullptr));
  }
  auto backbone = make_configured_backbone(options.backbone, ctx,
                                           backbones::BackboneMode::FeatureMap, /*out_dim=*/0);
  const int64_t side = feature_map_side(gd_input_side(options, ctx), backbone->output_stride());
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
    : NetworkMethod(options, ctx, build_gd_network(options, ctx)),
      input_side_(gd_input_side(options, ctx)),
      checkpoint_(options.gd.checkpoint) {
  set_micro_batch(options.micro_batch);
}

void GradientDescent::set_micro_batch(int64_t micro_batch) {
  TORCH_CHECK(micro_batch >= 0, "GradientDescent: micro batch must be >= 0, got ", micro_batch);
  micro_batch_ = micro_batch;
}

torch::Tensor GradientDescent::forward(const torch::Tensor& images) {
  // Area resize: each output pixel the mean of the input pixels it covers (adaptive average
  // pooling is PyTorch's "area" interpolation).
  const bool resize = images.size(2) != input_side_ || images.size(3) != input_side_;
  auto x = in_model_layout(resize ? torch::adaptive_avg_pool2d(images, {input_side_, input_side_})
                                  : images);
  torch::Tensor out;
  if (checkpoint_ == GdCheckpoint::Off) {
    out = network_->backbone->forward(x);
  } else {
    const auto granularity = checkpoint_ == GdCheckpoint::Stages
                                 ? backbones::SegmentGranularity::Stages
                                 : backbones::SegmentGranularity::Blocks;
    out = checkpointed_forward(*network_->backbone, granularity, x);
  }
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
