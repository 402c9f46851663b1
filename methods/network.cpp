#include "methods/network.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "methods/checkpoint.h"

namespace pgd::methods {

NetworkImpl::NetworkImpl(std::shared_ptr<backbones::Backbone> backbone_, LatentHead head_)
    : backbone(std::move(backbone_)), head(std::move(head_)) {
  TORCH_CHECK(backbone != nullptr, "Network: no backbone");
  register_module("backbone", backbone);
  if (!head.is_empty()) register_module("head", head);
}

c10::MemoryFormat read_memory_format(const config::ConfigView& cfg, torch::Device device) {
  const std::string choice =
      cfg.has("memory_format")
          ? cfg.get_choice("memory_format", {"auto", "contiguous", "channels_last"})
          : "auto";
  // auto: NHWC on the CPU, where oneDNN otherwise reorders every convolution's input and output
  // (1.1-2× faster steps, see bench/README.md); NCHW on CUDA until it is measured there.
  const bool nhwc = choice == "channels_last" || (choice == "auto" && device.is_cpu());
  return nhwc ? c10::MemoryFormat::ChannelsLast : c10::MemoryFormat::Contiguous;
}

void to_memory_format(torch::nn::Module& module, c10::MemoryFormat format) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(format));
}

void freeze_batchnorm(torch::nn::Module& module) {
  for (const auto& m : module.modules(/*include_self=*/true)) {
    if (dynamic_cast<torch::nn::BatchNorm1dImpl*>(m.get()) ||
        dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get()) ||
        dynamic_cast<torch::nn::BatchNorm3dImpl*>(m.get()))
      m->eval();
  }
}

namespace {

// A BatchNorm whose running statistics are being recomputed, and the momentum to give back.
struct CalibratedNorm {
  torch::nn::Module* module;
  c10::optional<double>* momentum;
  c10::optional<double> saved;
};

template <typename Norm>
bool collect_norm(const std::shared_ptr<torch::nn::Module>& m, std::vector<CalibratedNorm>& out) {
  auto* bn = dynamic_cast<Norm*>(m.get());
  if (!bn) return false;
  // Frozen BatchNorm (eval mode in training) keeps its statistics; so does one that tracks none.
  if (bn->is_training() && bn->options.track_running_stats())
    out.push_back({bn, &bn->options.momentum(), bn->options.momentum()});
  return true;
}

bool is_dropout(const torch::nn::Module& m) {
  return dynamic_cast<const torch::nn::DropoutImpl*>(&m) ||
         dynamic_cast<const torch::nn::Dropout2dImpl*>(&m) ||
         dynamic_cast<const torch::nn::Dropout3dImpl*>(&m);
}

void reset_norm(torch::nn::Module& m) {
  if (auto* bn = dynamic_cast<torch::nn::BatchNorm1dImpl*>(&m))
    bn->reset_running_stats();
  else if (auto* bn2 = dynamic_cast<torch::nn::BatchNorm2dImpl*>(&m))
    bn2->reset_running_stats();
  else if (auto* bn3 = dynamic_cast<torch::nn::BatchNorm3dImpl*>(&m))
    bn3->reset_running_stats();
}

}  // namespace

int64_t NetworkMethod::recalibrate_batchnorm(const std::function<torch::Tensor()>& next_batch) {
  torch::Tensor batch = next_batch();
  if (!batch.defined()) return 0;
  torch::NoGradGuard no_grad;
  set_train_mode();
  std::vector<CalibratedNorm> norms;
  for (const auto& m : network_->modules(/*include_self=*/false)) {
    if (collect_norm<torch::nn::BatchNorm1dImpl>(m, norms) ||
        collect_norm<torch::nn::BatchNorm2dImpl>(m, norms) ||
        collect_norm<torch::nn::BatchNorm3dImpl>(m, norms))
      continue;
    if (is_dropout(*m)) m->eval();
  }
  // momentum = none: BatchNorm keeps the cumulative average over num_batches_tracked batches.
  for (auto& n : norms) {
    reset_norm(*n.module);
    *n.momentum = c10::nullopt;
  }
  int64_t used = 0;
  try {
    for (; batch.defined(); batch = next_batch()) {
      calibration_forward(batch);
      ++used;
    }
  } catch (...) {
    for (auto& n : norms) *n.momentum = n.saved;
    throw;
  }
  for (auto& n : norms) *n.momentum = n.saved;
  set_eval_mode();
  return used;
}

NetworkMethod::NetworkMethod(const config::ConfigView& cfg, const MethodContext& ctx,
                             Network network)
    : network_(std::move(network)), device_(ctx.device) {
  const auto method = cfg.at("method");
  freeze_bn_ = method.get_bool_or("freeze_bn", false);
  const int64_t seed = cfg.get_int_or("seed", 42);
  generator_ = at::detail::createCPUGenerator(static_cast<uint64_t>(seed));

  network_->to(device_);
  // Before the optimizer exists, so Adam's moment buffers take the same layout.
  memory_format_ = read_memory_format(cfg, device_);
  to_memory_format(*network_, memory_format_);
  std::vector<torch::Tensor> head_params;
  if (!network_->head.is_empty()) head_params = network_->head->parameters();
  const auto train = cfg.at("train");
  optimizer_ = std::make_unique<ScheduledAdam>(
      network_->backbone->parameters(), std::move(head_params), make_optimizer_settings(train),
      make_lr_schedule(train, ctx.steps_per_epoch));
}

int64_t NetworkMethod::parameter_count() const { return backbones::count_parameters(*network_); }

void NetworkMethod::set_train_mode() {
  network_->train();
  if (freeze_bn_) freeze_batchnorm(*network_->backbone);
}

void NetworkMethod::set_eval_mode() { network_->eval(); }

void NetworkMethod::save_checkpoint(const std::string& path) const {
  write_checkpoint(path, *network_, *optimizer_, generator_.get_state());
}

void NetworkMethod::load_checkpoint(const std::string& path) {
  auto rng_state = read_checkpoint(path, *network_, *optimizer_, device_);
  if (rng_state.defined()) generator_.set_state(rng_state.to(torch::kCPU));
}

void NetworkMethod::load_weights(const std::string& path) {
  read_weights(path, *network_, "backbone.");
}

}  // namespace pgd::methods
