#include "methods/patch_gradient_descent.h"

#include <algorithm>

#include <torch/torch.h>

#include "methods/method_factory.h"

namespace pgd::methods {
namespace {

std::vector<int64_t> to_vector(const torch::Tensor& positions) {
  auto cpu = positions.to(torch::kCPU).contiguous();
  return std::vector<int64_t>(cpu.data_ptr<int64_t>(), cpu.data_ptr<int64_t>() + cpu.numel());
}

Network build_patchgd_network(const MethodOptions& options, const MethodContext& ctx,
                              const PatchGdSettings& s) {
  auto backbone = make_configured_backbone(options.backbone, ctx, backbones::BackboneMode::Encoder,
                                           s.latent_dim);
  auto head = make_latent_head_options(options.head, s.latent_dim, ctx.num_classes, s.grid, s.grid);
  return Network(backbone, LatentHead(head));
}

// images: B×3×S×S → a source on `device`, with the shape checked first so a wrong tensor names
// the method rather than the source.
TensorPatchSource in_memory(const torch::Tensor& images, int64_t side, torch::Device device,
                            const char* caller) {
  TORCH_CHECK(images.dim() == 4 && images.size(2) == side && images.size(3) == side &&
                  images.size(0) > 0,
              caller, ": expected B×3×", side, "×", side, " images, got ", images.sizes());
  return TensorPatchSource(images, device);
}

}  // namespace

PatchGdSettings make_patchgd_settings(const MethodOptions& options, int64_t image_size) {
  const PatchGdOptions& o = options.patchgd;
  // The config reader reports these by key; here they guard direct callers.
  if (o.patch_size < 1 || image_size < 1 || image_size % o.patch_size != 0)
    throw std::invalid_argument("PatchGD: patch size " + std::to_string(o.patch_size) +
                                " does not divide the image side " + std::to_string(image_size));
  if (o.eval_chunk < 0) throw std::invalid_argument("PatchGD: negative eval chunk");
  PatchGdSettings s;
  s.patch_size = o.patch_size;
  s.grid = image_size / o.patch_size;
  s.latent_dim = options.head.latent_dim;
  s.plan = make_sampling_plan(s.grid * s.grid, o.sampling_fraction, o.grad_accum_steps);
  s.fill_bn_train = o.fill_bn_train;
  s.eval_chunk = o.eval_chunk;
  if (o.inner_chunk < 0) throw std::invalid_argument("PatchGD: negative inner chunk");
  s.inner_chunk = o.inner_chunk;
  return s;
}

PatchGradientDescent::PatchGradientDescent(const MethodOptions& options, const MethodContext& ctx)
    : PatchGradientDescent(options, ctx, make_patchgd_settings(options, ctx.image_size)) {}

PatchGradientDescent::PatchGradientDescent(const MethodOptions& options, const MethodContext& ctx,
                                           const PatchGdSettings& settings)
    : NetworkMethod(options, ctx, build_patchgd_network(options, ctx, settings)),
      settings_(settings) {
  TORCH_CHECK(network_->backbone->mode() == backbones::BackboneMode::Encoder,
              "PatchGradientDescent needs an Encoder backbone");
}

torch::Tensor PatchGradientDescent::permutation() {
  return torch::randperm(settings_.plan.positions, generator_,
                         torch::TensorOptions().dtype(torch::kLong));
}

std::vector<torch::Tensor> PatchGradientDescent::shuffled_chunks() {
  // One host-to-device copy per batch, not per chunk: a copy from pageable memory waits for
  // the GPU, so a copy per chunk stopped the host from queuing the next chunk's kernels.
  return split_positions(permutation().to(device_), settings_.plan.k);
}

std::vector<std::pair<int64_t, int64_t>> PatchGradientDescent::row_chunks(int64_t rows) const {
  const int64_t chunk = settings_.inner_chunk > 0 ? settings_.inner_chunk : rows;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  for (int64_t start = 0; start < rows; start += chunk)
    chunks.emplace_back(start, std::min(chunk, rows - start));
  // A last chunk of one patch joins the one before: train-mode BatchNorm cannot normalise a
  // single 1×1 map (ResNet's last stage at p = 32).
  if (chunks.size() > 1 && chunks.back().second == 1) {
    chunks.pop_back();
    ++chunks.back().second;
  }
  return chunks;
}

void PatchGradientDescent::plan_encodes(const PatchSource& source,
                                        const std::vector<torch::Tensor>& chunks, size_t count,
                                        bool replayed) const {
  std::vector<PatchRead> reads;
  for (size_t c = 0; c < count; ++c) {
    const auto rows = row_chunks(source.batch() * chunks[c].size(0));
    const int passes = replayed && rows.size() > 1 ? 2 : 1;
    for (int pass = 0; pass < passes; ++pass)
      for (const auto& [start, n] : rows)
        reads.push_back({chunks[c], settings_.patch_size, start, n});
  }
  source.plan_reads(std::move(reads));
}

torch::Tensor PatchGradientDescent::encode_rows(const PatchSource& source,
                                                const torch::Tensor& positions, int64_t start,
                                                int64_t count) {
  auto patches = source.patch_rows(positions, settings_.patch_size, start, count, device_);
  auto encodings = network_->backbone->forward(in_model_layout(patches));
  TORCH_CHECK(encodings.dim() == 2 && encodings.size(1) == settings_.latent_dim,
              "PatchGD: the encoder returned ", encodings.sizes(), ", expected (B·k)×",
              settings_.latent_dim);
  return encodings;
}

torch::Tensor PatchGradientDescent::encode(const PatchSource& source,
                                           const torch::Tensor& positions) {
  const auto chunks = row_chunks(source.batch() * positions.size(0));
  if (chunks.size() == 1) return encode_rows(source, positions, 0, chunks[0].second);
  std::vector<torch::Tensor> parts;
  for (const auto& [start, count] : chunks)
    parts.push_back(encode_rows(source, positions, start, count));
  return torch::cat(parts, 0);
}

torch::Tensor PatchGradientDescent::encode_for_replay(const PatchSource& source,
                                                      const torch::Tensor& positions,
                                                      std::vector<RngSnapshot>& rngs) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (const auto& [start, count] : row_chunks(source.batch() * positions.size(0))) {
    rngs.push_back(capture_rng(device_));
    parts.push_back(encode_rows(source, positions, start, count));
  }
  return torch::cat(parts, 0);
}

void PatchGradientDescent::backpropagate_chunks(const PatchSource& source,
                                                const torch::Tensor& positions,
                                                const torch::Tensor& grad,
                                                const std::vector<RngSnapshot>& rngs) {
  const auto chunks = row_chunks(source.batch() * positions.size(0));
  for (size_t c = 0; c < chunks.size(); ++c) {
    const auto [start, count] = chunks[c];
    ReplayGuard guard(*network_->backbone, rngs[c]);
    encode_rows(source, positions, start, count).backward(grad.narrow(0, start, count));
  }
}

torch::Tensor& PatchGradientDescent::latent_buffer(int64_t batch) {
  const std::vector<int64_t> shape{batch, settings_.latent_dim, settings_.grid, settings_.grid};
  if (!z_buffer_.defined() || z_buffer_.sizes() != c10::IntArrayRef(shape) ||
      z_buffer_.device() != device_)
    z_buffer_ = torch::zeros(shape, torch::TensorOptions().dtype(torch::kFloat).device(device_));
  else
    z_buffer_.zero_();
  return z_buffer_;
}

void PatchGradientDescent::fill_latent(const PatchSource& source) {
  torch::NoGradGuard no_grad;
  set_train_mode();
  if (!settings_.fill_bn_train) network_->backbone->eval();
  auto& z = latent_buffer(source.batch());
  const auto chunks = shuffled_chunks();
  plan_encodes(source, chunks, chunks.size(), /*replayed=*/false);
  for (const auto& positions : chunks) {
    write_encodings_(z, positions, encode(source, positions));
    if (trace_enabled_) trace_.fill_positions.push_back(to_vector(positions));
  }
}

void PatchGradientDescent::check_side(const PatchSource& source, const char* caller) const {
  const int64_t side = settings_.grid * settings_.patch_size;
  TORCH_CHECK(source.side() == side && source.batch() > 0, caller, ": expected B≥1 images of ",
              side, "×", side, ", got ", source.batch(), " of ", source.side(), "×",
              source.side());
}

TrainStepResult PatchGradientDescent::run_batch(const PatchSource& source,
                                                const torch::Tensor& labels, bool update) {
  check_side(source, "PatchGradientDescent");
  TORCH_CHECK(labels.dim() == 1 && labels.size(0) == source.batch(),
              "PatchGradientDescent: expected ", source.batch(), " labels, got ", labels.sizes());
  auto y = labels.to(device_, torch::kLong);
  trace_ = PatchGdTrace{};
  const auto& plan = settings_.plan;

  fill_latent(source);  // Algorithm 2

  // Algorithm 1: each inner iteration re-encodes one chunk of a fresh permutation with
  // gradients, on top of a detached Z, so backward reaches only this chunk's patches.
  set_train_mode();
  optimizer_->zero_grad();
  const auto chunks = shuffled_chunks();
  plan_encodes(source, chunks, static_cast<size_t>(plan.inner_steps), /*replayed=*/true);
  torch::Tensor z = z_buffer_;
  torch::Tensor last_logits, last_loss;
  TrainStepResult result;
  result.count = source.batch();
  for (int64_t j = 0; j < plan.inner_steps; ++j) {
    const auto& positions = chunks[j];
    // Chunked: the encodings enter the graph as a leaf, whose gradient (dL/dZ at the k
    // positions) then drives the backbone's backward chunk by chunk.
    const bool chunked = is_chunked(source.batch() * positions.size(0));
    std::vector<RngSnapshot> rngs;
    auto encodings = chunked ? encode_for_replay(source, positions, rngs).requires_grad_(true)
                             : encode(source, positions);
    z = write_encodings(z.detach(), positions, encodings);
    auto logits = network_->head->forward(z);
    auto loss = torch::nn::functional::cross_entropy(logits, y);
    (loss / static_cast<double>(plan.epsilon)).backward();
    if (chunked) backpropagate_chunks(source, positions, encodings.grad(), rngs);
    last_logits = logits.detach();
    last_loss = loss.detach();
    if (trace_enabled_) trace_.inner_positions.push_back(to_vector(chunks[j]));
    // The reference steps only every ε iterations; a remainder (ζ not a multiple of ε, or
    // fewer chunks than ζ) is stepped too rather than silently dropped.
    const bool boundary = (j + 1) % plan.epsilon == 0 || j + 1 == plan.inner_steps;
    if (update && boundary) {
      optimizer_->step();
      optimizer_->zero_grad();
      ++result.optimizer_steps;
      if (trace_enabled_) trace_.steps_after.push_back(j + 1);
    }
  }
  if (update) optimizer_->schedule_step();
  trace_.optimizer_steps = result.optimizer_steps;
  result.loss = last_loss.item<double>();
  result.correct = last_logits.argmax(1).eq(y).sum().item<int64_t>();
  return result;
}

TrainStepResult PatchGradientDescent::train_batch(const torch::Tensor& images,
                                                  const torch::Tensor& labels) {
  const int64_t side = settings_.grid * settings_.patch_size;
  return train_patches(in_memory(images, side, device_, "PatchGradientDescent"), labels);
}

TrainStepResult PatchGradientDescent::accumulate_gradients(const torch::Tensor& images,
                                                           const torch::Tensor& labels) {
  const int64_t side = settings_.grid * settings_.patch_size;
  return accumulate_gradients(in_memory(images, side, device_, "PatchGradientDescent"), labels);
}

TrainStepResult PatchGradientDescent::train_patches(const PatchSource& source,
                                                    const torch::Tensor& labels) {
  return run_batch(source, labels, /*update=*/true);
}

TrainStepResult PatchGradientDescent::accumulate_gradients(const PatchSource& source,
                                                           const torch::Tensor& labels) {
  return run_batch(source, labels, /*update=*/false);
}

torch::Tensor PatchGradientDescent::predict(const torch::Tensor& images) {
  const int64_t side = settings_.grid * settings_.patch_size;
  return predict_patches(in_memory(images, side, device_, "PatchGradientDescent::predict"));
}

torch::Tensor PatchGradientDescent::predict_patches(const PatchSource& source) {
  check_side(source, "PatchGradientDescent::predict");
  torch::NoGradGuard no_grad;
  set_eval_mode();
  // Eval-mode encodings do not depend on which patches share a call, so visit in grid order
  // and leave the sampling generator untouched.
  const int64_t chunk = settings_.eval_chunk > 0 ? settings_.eval_chunk : settings_.plan.k;
  return network_->head->forward(encode_all(source, chunk)).to(torch::kCPU);
}

torch::Tensor PatchGradientDescent::encode_all(const PatchSource& source, int64_t chunk) {
  auto z = torch::zeros({source.batch(), settings_.latent_dim, settings_.grid, settings_.grid},
                        torch::TensorOptions().dtype(torch::kFloat).device(device_));
  const auto order = torch::arange(settings_.plan.positions,
                                   torch::TensorOptions().dtype(torch::kLong).device(device_));
  const auto chunks = split_positions(order, chunk);
  plan_encodes(source, chunks, chunks.size(), /*replayed=*/false);
  for (const auto& positions : chunks) write_encodings_(z, positions, encode(source, positions));
  return z;
}

void PatchGradientDescent::calibration_forward(const torch::Tensor& images) {
  network_->head->forward(encode_all(TensorPatchSource(images, device_), settings_.plan.k));
}

}  // namespace pgd::methods
