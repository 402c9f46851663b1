// Step time against the FLOP floor: the GEMM reference, one training update of each method,
// the parts of a PatchGD batch, and inference.
//
//   BM_GemmPeak/n:N        C = A·B, A and B N×N float32 (FLOPs 2·N³). main measures the peak
//                          once (n = 2048, best of 5) for every case's floor_ratio; this family
//                          shows the same GEMM under the framework's timing, and how far smaller
//                          GEMMs fall below it (its floor_ratio is about 1 at 2048).
//   BM_GdTrainStep         GradientDescent::train_batch: forward, backward and the Adam step over
//                          B whole images (FLOPs: 3 × forward of backbone + head).
//   BM_PatchGdTrainBatch   PatchGradientDescent::train_batch: Z fill over all N² patches, the
//                          inner iterations (k patches re-encoded with gradients, head, backward)
//                          and the optimizer step(s) (FLOPs: see model_setup.h).
//   BM_PatchGdFill         Algorithm 2 alone: every one of the N² positions encoded without
//                          gradients, in chunks of k, written into Z (FLOPs: B·N²·F_p).
//   BM_PatchGdInnerStep    one inner iteration of Algorithm 1: k positions re-encoded with
//                          gradients on top of a detached Z, the head, cross-entropy, backward
//                          (FLOPs: B·3·(k·F_p + H)); no optimizer step.
//   BM_PatchGdHeadStep     the head alone on a filled Z: forward, cross-entropy, backward into
//                          the head's parameters and Z (FLOPs: B·3·H).
//   BM_GdPredict           Method::predict: backbone + head over the whole images (B·F).
//   BM_PatchGdPredict      Z filled from every patch in chunks of k positions (method.eval_chunk
//                          = 0), then the head (FLOPs: B·(N²·F_p + H)).
// A batch costs about fill + inner_steps × inner step + the optimizer step; comparing that sum
// with BM_PatchGdTrainBatch shows what the method spends outside these parts.
//
// Counters: items_per_second = images/s; gflop, gflops, floor_ratio, cpu_floor_ratio
// (bench_support.h); peak_bytes / base_bytes over the timed iterations; k and inner_steps.
// Each model case runs one untimed step first: the first step of a process pays for oneDNN's
// primitive creation, the thread pool's start and Adam's state allocation, none of which is a
// per-step cost. Heavy cases run a fixed, small number of iterations: one ResNet50 step at
// 2048² takes tens of seconds on 2 cores, and the framework's default 0.5 s minimum would add
// nothing.
//
// The PatchGD parts are rebuilt here from the public pieces the method itself uses
// (gather_patches, write_encodings[_], the network's backbone and head, its train mode), because
// the method's own fill and encode are private: the code paths are the same calls in the same
// order.
#include <torch/torch.h>

#include <functional>

#include "bench/bench_support.h"
#include "bench/model_setup.h"
#include "harness/memory/memory_cap.h"
#include "methods/patch_grid.h"

namespace pgd::bench {
namespace {

// ---- the GEMM reference ----

void gemm_case(benchmark::State& state) {
  const int64_t n = state.range(0);
  torch::NoGradGuard no_grad;
  auto a = torch::randn({n, n});  // n×n float
  auto b = torch::randn({n, n});  // n×n float
  auto c = torch::mm(a, b);       // warm-up
  WallTimer timer;
  for (auto _ : state) {
    timer.start();
    c = torch::mm(a, b);
    timer.stop();
    benchmark::DoNotOptimize(c.data_ptr<float>());
  }
  const double flops = 2.0 * static_cast<double>(n) * n * n;
  state.SetItemsProcessed(state.iterations());
  report_compute(state, flops, timer);
}

BENCHMARK(gemm_case)
    ->Name("BM_GemmPeak")
    ->ArgName("n")
    ->Arg(512)
    ->Arg(1024)
    ->Arg(2048)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---- the timed loop every step case shares ----

// Times `step` once per iteration under `cap` (set up and warmed up by the caller): peak and
// base memory of the timed iterations only, `batch` images and `flops` per iteration.
void time_steps(benchmark::State& state, memory::MemoryCap& cap, int64_t batch, double flops,
                const std::function<void()>& step) {
  cap.reset_peak();  // the timed iterations' peak, not the warm-up's
  const uint64_t base = cap.live_bytes();
  WallTimer timer;
  for (auto _ : state) {
    timer.start();
    const bool ok = run_or_skip(state, step);
    timer.stop();
    if (!ok) break;
  }
  state.SetItemsProcessed(state.iterations() * batch);
  report_compute(state, flops, timer);
  report_memory(state, cap.peak_bytes(), base);
}

// Heavy cases run a fixed, small number of iterations (see the top of the file), unless the
// family is cheap even at heavy sizes (`limit_heavy` false).
void finish_registration(benchmark::internal::Benchmark* b, const ModelCase& c,
                         bool limit_heavy = true) {
  b->UseRealTime()->Unit(benchmark::kMillisecond);
  if (limit_heavy && c.heavy) b->Iterations(c.side >= 2048 ? 1 : 2);
}

// ---- training steps ----

void train_case(benchmark::State& state, const ModelCase& c) {
  memory::MemoryCap cap(safety_cap(), torch::kCPU);  // the warm-up is capped too
  BuiltModel model;
  if (!run_or_skip(state, [&] {
        model = build_model(c);
        model.method->train_batch(model.images, model.labels);  // warm-up
      }))
    return;
  time_steps(state, cap, c.batch, model.train_flops, [&] {
    const auto r = model.method->train_batch(model.images, model.labels);
    benchmark::DoNotOptimize(r.loss);
  });
  if (c.method == "patchgd") {
    const auto& plan = model.patchgd().plan();
    state.counters["k"] = static_cast<double>(plan.k);
    state.counters["inner_steps"] = static_cast<double>(plan.inner_steps);
  }
}

const bool train_registered = [] {
  for (const auto& c : step_cases("gd"))
    finish_registration(
        benchmark::RegisterBenchmark(c.benchmark_name("BM_GdTrainStep").c_str(), train_case, c), c);
  for (const auto& c : step_cases("patchgd"))
    finish_registration(benchmark::RegisterBenchmark(
                            c.benchmark_name("BM_PatchGdTrainBatch").c_str(), train_case, c),
                        c);
  return true;
}();

// ---- the parts of a PatchGD batch ----

enum class Part { Fill, InnerStep, HeadStep };

// images: B×3×S×S → Z: B×D×N×N filled from every patch, no gradients, backbone in train mode.
torch::Tensor fill_latent(methods::PatchGradientDescent& m, const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  m.set_train_mode();
  const auto& s = m.settings();
  auto z = torch::zeros({images.size(0), s.latent_dim, s.grid, s.grid});  // B×D×N×N
  auto order = torch::randperm(s.plan.positions, torch::kLong);           // N²
  for (const auto& positions : methods::split_positions(order, s.plan.k)) {
    auto patches = methods::gather_patches(images, positions, s.patch_size);  // (B·k)×3×p×p
    methods::write_encodings_(z, positions, m.network()->backbone->forward(patches));
  }
  return z;
}

// One inner iteration on top of `z` (B×D×N×N, detached); gradients accumulate in the network.
double inner_step(methods::PatchGradientDescent& m, const torch::Tensor& images,
                  const torch::Tensor& labels, const torch::Tensor& z,
                  const torch::Tensor& positions) {
  const auto& s = m.settings();
  auto patches = methods::gather_patches(images, positions, s.patch_size);  // (B·k)×3×p×p
  auto encodings = m.network()->backbone->forward(patches);                 // (B·k)×D
  auto z_new = methods::write_encodings(z.detach(), positions, encodings);  // B×D×N×N
  auto logits = m.network()->head->forward(z_new);                          // B×classes
  auto loss = torch::nn::functional::cross_entropy(logits, labels);
  (loss / static_cast<double>(s.plan.epsilon)).backward();
  return loss.item<double>();
}

// z: B×D×N×N with requires_grad, so backward also computes the head's input gradient, as it
// does inside an inner iteration.
double head_step(methods::PatchGradientDescent& m, const torch::Tensor& z,
                 const torch::Tensor& labels) {
  auto logits = m.network()->head->forward(z);  // B×classes
  auto loss = torch::nn::functional::cross_entropy(logits, labels);
  loss.backward();
  return loss.item<double>();
}

void part_case(benchmark::State& state, const ModelCase& c, Part part) {
  memory::MemoryCap cap(safety_cap(), torch::kCPU);  // the warm-up is capped too
  BuiltModel model;
  torch::Tensor z, positions;
  if (!run_or_skip(state, [&] {
        model = build_model(c);
        auto& m = model.patchgd();
        z = fill_latent(m, model.images);  // also the warm-up of the encoder
        positions = torch::randperm(m.plan().positions, torch::kLong).narrow(0, 0, m.plan().k);
        m.set_train_mode();
        inner_step(m, model.images, model.labels, z, positions);  // warm-up with gradients
        if (part == Part::HeadStep) z = z.clone().requires_grad_(true);
      }))
    return;
  auto& m = model.patchgd();
  const auto& plan = m.plan();
  const double b = static_cast<double>(c.batch);
  const double fp = patch_flops(model);
  const double h = head_flops(m.network()->head->options);
  double flops = 0;
  switch (part) {
    case Part::Fill:
      flops = b * plan.positions * fp;
      break;
    case Part::InnerStep:
      flops = b * 3.0 * (plan.k * fp + h);
      break;
    case Part::HeadStep:
      flops = b * 3.0 * h;
      break;
  }

  time_steps(state, cap, c.batch, flops, [&] {
    switch (part) {
      case Part::Fill:
        benchmark::DoNotOptimize(fill_latent(m, model.images).data_ptr());
        break;
      case Part::InnerStep:
        m.set_train_mode();
        benchmark::DoNotOptimize(inner_step(m, model.images, model.labels, z, positions));
        break;
      case Part::HeadStep:
        m.set_train_mode();
        benchmark::DoNotOptimize(head_step(m, z, model.labels));
        break;
    }
  });
  state.counters["k"] = static_cast<double>(plan.k);
  state.counters["inner_steps"] = static_cast<double>(plan.inner_steps);
}

const bool parts_registered = [] {
  const std::pair<const char*, Part> families[] = {{"BM_PatchGdFill", Part::Fill},
                                                   {"BM_PatchGdInnerStep", Part::InnerStep},
                                                   {"BM_PatchGdHeadStep", Part::HeadStep}};
  for (const auto& c : step_cases("patchgd"))
    for (const auto& [family, part] : families) {
      finish_registration(
          benchmark::RegisterBenchmark(c.benchmark_name(family).c_str(), part_case, c, part), c,
          /*limit_heavy=*/part == Part::Fill);
    }
  return true;
}();

// ---- inference ----

void predict_case(benchmark::State& state, const ModelCase& c) {
  memory::MemoryCap cap(safety_cap(), torch::kCPU);  // the warm-up is capped too
  BuiltModel model;
  if (!run_or_skip(state, [&] {
        model = build_model(c);
        model.method->predict(model.images);  // warm-up (oneDNN primitives, thread pool)
      }))
    return;
  time_steps(state, cap, c.batch, model.predict_flops, [&] {
    auto logits = model.method->predict(model.images);  // B×classes
    benchmark::DoNotOptimize(logits.data_ptr());
  });
}

const bool predict_registered = [] {
  for (const auto& [family, method] : {std::pair<const char*, const char*>{"BM_GdPredict", "gd"},
                                       {"BM_PatchGdPredict", "patchgd"}})
    for (const auto& c : step_cases(method)) {
      finish_registration(
          benchmark::RegisterBenchmark(c.benchmark_name(family).c_str(), predict_case, c), c);
    }
  return true;
}();

}  // namespace
}  // namespace pgd::bench
