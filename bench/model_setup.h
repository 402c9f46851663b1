#pragma once
// The model cases the training, inference, PatchGD-part and memory benchmarks share: which
// (method, backbone, side, batch, patch, f_s) run by default and which only under
// PATCHGD_BENCH_FULL=1, how a case becomes a Method (through the same compose_config and
// make_method as `patchgd run`), and the FLOP model each case's counters are computed from.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "methods/backbones/backbone.h"
#include "methods/gradient_descent.h"
#include "methods/latent_head.h"
#include "methods/method.h"
#include "methods/patch_gradient_descent.h"

namespace pgd::bench {

struct BackboneChoice {
  std::string label;   // in benchmark names: "mobilenetv2-0.25", "mobilenetv2", "resnet50"
  std::string name;    // backbone.name
  double width = 1.0;  // backbone.width
};
BackboneChoice mobilenetv2(double width);
BackboneChoice resnet50();

struct ModelCase {
  std::string method;  // "gd" | "patchgd"
  BackboneChoice backbone;
  int64_t side = 256;                  // S
  int64_t batch = 1;                   // B
  int64_t patch = 32;                  // p (PatchGD)
  double fraction = 0.125;             // sampling fraction f_s (PatchGD)
  bool heavy = false;                  // registered only under PATCHGD_BENCH_FULL=1
  std::vector<std::string> overrides;  // more config overrides (method.checkpoint=stages, ...)
  bool make_batch = true;  // false: no B×3×S×S batch (the gigapixel cases stream their patches)

  // "BM_<family>/<backbone>/side:S/batch:B[/patch:p/fs:f]"
  std::string benchmark_name(const std::string& family) const;
};

// Cases of one method for the step-time families (train, inference, parts): a small default set
// (MobileNetV2 ×0.25 and ×1.0 at 256², batch 2; MobileNetV2 at 512², batch 1) plus, in full mode,
// MobileNetV2 at 1024², 2048² and ResNet50 at 512², 1024², 2048², batch 1. PatchGD keeps the
// paper's grid N = 16 at every side (p = S/16: UltraMNIST's 512/32, PANDA's 2048/128) and
// f_s = 1/8 (k = 32, ζ = 8): at batch 1 a smaller grid cannot train, since the head's last
// BatchNorm would see a 1×1 map.
std::vector<ModelCase> step_cases(const std::string& method);

// A built case: its resolved config (kept alive: the method was built from a view of it), the
// method, one synthetic batch, and the FLOPs of one batch.
struct BuiltModel {
  nlohmann::json config;
  std::unique_ptr<methods::Method> method;
  torch::Tensor images;      // B×3×S×S float, standard normal
  torch::Tensor labels;      // B int64 in 0..kBenchClasses-1
  double train_flops = 0;    // one train_batch of B images
  double predict_flops = 0;  // one predict of B images

  methods::GradientDescent& gd();
  methods::PatchGradientDescent& patchgd();
};

inline constexpr int64_t kBenchClasses = 10;

// The resolved config of a case: experiments/ composed with method=, backbone=, dataset=synthetic
// and the case's sizes, as `patchgd run` would see it.
nlohmann::json case_config(const ModelCase& c);
BuiltModel build_model(const ModelCase& c);

// FLOP model (2 FLOPs per counted MAC; conv and linear layers only, see flop_counter.h; a
// backward pass counted as 2× its forward).
//  GD, per image:       forward F = backbone(S×S) + head(C×h×w); train = 3·F; predict = F.
//  PatchGD, per image:  F_p = encoder(p×p), H = head(D×N×N);
//                       train = N²·F_p (fill) + inner_steps·3·(k·F_p + H); predict = N²·F_p + H.
double head_flops(const methods::LatentHeadOptions& head);
double backbone_flops(const BackboneChoice& backbone, backbones::BackboneMode mode, int64_t out_dim,
                      int64_t height, int64_t width);
// Per-image forward FLOPs of one patch (PatchGD's F_p) for a built PatchGD model.
double patch_flops(BuiltModel& model);

// Runs `fn`; on an exception marks the case skipped with its text ("oom: ..." when it is an
// out-of-memory error) and returns false. Call outside the timed loop, or inside it followed by
// `break` on false.
template <class F>
bool run_or_skip(benchmark::State& state, F&& fn);

// Non-template part of run_or_skip.
void skip_with_exception(benchmark::State& state, const std::exception& e);

template <class F>
bool run_or_skip(benchmark::State& state, F&& fn) {
  try {
    fn();
    return true;
  } catch (const std::exception& e) {
    skip_with_exception(state, e);
    return false;
  }
}

}  // namespace pgd::bench
