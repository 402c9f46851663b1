#pragma once
// Tiny configs and batches shared by the methods tests: resnet18 on 64×64 images, patch 16
// (N = 4), a head of 2 layers × 8 channels, latent D = 8, 3 classes.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "harness/config/config_view.h"
#include "harness/spec/spec_reader.h"
#include "methods/method.h"

namespace pgd::methods::testing {

inline nlohmann::json tiny_config(const std::string& method_name) {
  return {
      {"seed", 7},
      // The layout these tests' thresholds were set in; tests/methods/memory_format_test.cpp
      // covers channels_last (the CPU default), whose float rounding sends a 15-step run on a
      // 6-image batch down another path (same mean loss over seeds, different single runs).
      {"memory_format", "contiguous"},
      {"method",
       {{"name", method_name},
        {"classifier", "head"},
        {"patch_size", 16},
        {"sampling_fraction", 0.25},
        {"grad_accum_steps", 0},
        {"fill_bn_mode", "train"},
        {"eval_chunk", 0},
        {"freeze_bn", false}}},
      {"backbone", {{"name", "resnet18"}, {"width", 1.0}, {"weights", nullptr}}},
      {"head", {{"layers", 2}, {"channels", 8}, {"dropout", 0.0}, {"latent_dim", 8}}},
      {"train",
       {{"epochs", 10},
        {"micro_batch", 0},
        {"lr", 1e-3},
        {"head_lr", 1e-3},
        {"weight_decay", 0.0},
        {"warmup_epochs", 0},
        {"decay_epochs", 0}}},
  };
}

// The method under its concrete type (throws naming the type when it is another).
template <class M>
M& as(std::unique_ptr<Method>& m) {
  auto* p = dynamic_cast<M*>(m.get());
  if (!p) throw std::runtime_error("method '" + m->name() + "' is not of the type the test needs");
  return *p;
}

inline MethodContext tiny_context(int64_t image_size = 64) {
  MethodContext ctx;
  ctx.num_classes = 3;
  ctx.image_size = image_size;
  ctx.steps_per_epoch = 10;
  return ctx;
}

inline std::unique_ptr<Method> build(const nlohmann::json& cfg, int64_t image_size = 64) {
  return make_method(spec::read_method_options(config::ConfigView(cfg)), tiny_context(image_size));
}

// A learnable batch: class c has a bright 16×16 square in quadrant c, on weak noise.
inline std::pair<torch::Tensor, torch::Tensor> pattern_batch(int64_t batch, int64_t size = 64,
                                                             uint64_t seed = 3) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto images = torch::randn({batch, 3, size, size}, gen) * 0.1;
  auto labels = torch::arange(batch, torch::kLong).remainder(3);
  const int64_t h = size / 2;
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t c = labels[b].item<int64_t>();
    const int64_t r0 = (c / 2) * h, c0 = (c % 2) * h;
    using torch::indexing::Slice;
    images.index({b, Slice(), Slice(r0 + 4, r0 + 4 + size / 4), Slice(c0 + 4, c0 + 4 + size / 4)})
        .add_(2.0);
  }
  return {images, labels};
}

// Every parameter's gradient by name (zeros where undefined).
inline std::map<std::string, torch::Tensor> gradients(torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& item : module.named_parameters()) {
    const auto& g = item.value().grad();
    out[item.key()] = g.defined() ? g.clone() : torch::zeros_like(item.value());
  }
  return out;
}

inline std::map<std::string, torch::Tensor> parameters(torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& item : module.named_parameters())
    out[item.key()] = item.value().detach().clone();
  for (const auto& item : module.named_buffers()) out[item.key()] = item.value().detach().clone();
  return out;
}

// Largest |a − b| relative to max |b| over the tensors of two maps (names must agree).
inline double max_relative_difference(const std::map<std::string, torch::Tensor>& a,
                                      const std::map<std::string, torch::Tensor>& b,
                                      std::string* worst = nullptr) {
  double out = 0;
  for (const auto& [name, tb] : b) {
    const auto& ta = a.at(name);
    const double scale = std::max(tb.abs().max().item<double>(), 1e-12);
    const double d = (ta - tb).abs().max().item<double>() / scale;
    if (d > out) {
      out = d;
      if (worst) *worst = name;
    }
  }
  return out;
}

inline std::string temp_path(const std::string& stem) {
  auto dir = std::filesystem::temp_directory_path();
  return (dir / ("pgd_methods_" + stem + "_" + std::to_string(::getpid()) + ".pt")).string();
}

}  // namespace pgd::methods::testing
