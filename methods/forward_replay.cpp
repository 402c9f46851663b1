#include "methods/forward_replay.h"

#include <ATen/Context.h>
#include <torch/torch.h>

namespace pgd::methods {
namespace {

at::Generator default_generator(torch::Device device) {
  if (device.is_cpu()) return at::globalContext().defaultGenerator(torch::kCPU);
  const auto index = device.has_index() ? device.index() : static_cast<c10::DeviceIndex>(0);
  return at::globalContext().defaultGenerator(torch::Device(device.type(), index));
}

bool is_batchnorm(const torch::nn::Module& m) {
  return m.as<torch::nn::BatchNorm1d>() || m.as<torch::nn::BatchNorm2d>() ||
         m.as<torch::nn::BatchNorm3d>();
}

}  // namespace

RngSnapshot capture_rng(torch::Device device) {
  auto gen = default_generator(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return {device, gen.get_state()};
}

ReplayGuard::ReplayGuard(torch::nn::Module& module, const RngSnapshot& rng)
    : before_(capture_rng(rng.device)) {
  torch::NoGradGuard no_grad;
  for (const auto& m : module.modules(/*include_self=*/true)) {
    if (!is_batchnorm(*m)) continue;
    for (const auto& buffer : m->buffers(/*recurse=*/false)) {
      buffers_.push_back(buffer);
      saved_.push_back(buffer.clone());
    }
  }
  auto gen = default_generator(rng.device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(rng.state);
}

ReplayGuard::~ReplayGuard() {
  torch::NoGradGuard no_grad;
  // Only buffers the replay changed: an in-place copy bumps a tensor's version, and backward
  // checks the versions of the buffers BatchNorm saved (eval-mode BatchNorm changes nothing).
  for (size_t i = 0; i < buffers_.size(); ++i)
    if (!torch::equal(buffers_[i], saved_[i])) buffers_[i].copy_(saved_[i]);
  auto gen = default_generator(before_.device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(before_.state);
}

}  // namespace pgd::methods
