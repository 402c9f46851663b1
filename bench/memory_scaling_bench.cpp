// Peak CPU memory of one training step against the image side, GD vs PatchGD (the question of
// experiments/sweeps/memory-scaling.yaml, asked of the allocator directly and in seconds):
//   BM_MemoryScaling/<series>/<backbone>/side:S
// Series: gd; patchgd with patch 128 and f_s 0.1, as in the sweep; patchgd-k8, patch 128 with a
// fixed k = 8 patches per inner iteration (f_s = 8/N²). Batch 2: the head's last BatchNorm needs
// more than one value per channel in train mode, and below N = 16 (PatchGD) or S = 512 (GD) its
// map is 1×1.
// GD's activations grow with the pixels (S²). A PatchGD step holds in its graph only the k
// patches of one inner iteration (plus the head over Z), so at fixed k its peak stays nearly flat:
// what grows is the image (3·S²·4 bytes per image) and Z (D·N²·4 bytes). At fixed f_s,
// k = ⌈f_s·N²⌉ grows with the pixels too, at f_s of GD's slope.
//
// The step measured is the model's first, built fresh per case; a whole warm-up step would double
// the time of the large cases, so only the state a trained model carries between steps is made
// beforehand (gradients and Adam's two moments, by one Adam step on zero gradients, which moves
// no weight). base_bytes then holds what a warm step starts from. Counters:
//   peak_bytes  the most CPU bytes held during the step (capping allocator, reset per case)
//   base_bytes  held before the step: the parameters and the input batch (plus whatever
//               else the process holds then, normally nothing of note)
//   step_bytes  peak_bytes − base_bytes: what the step itself adds
// (the time shown is that of a cold step; BM_GdTrainStep / BM_PatchGdTrainBatch time warm
// ones). A step past PATCHGD_BENCH_MEM_CAP (default 8 GiB; GD at 4096²) is reported as skipped
// with "oom: ...": on a shared machine a safety cap is better than the kernel's OOM killer.
//
// Default: MobileNetV2 (width 1.0) at 256² and 512². PATCHGD_BENCH_FULL=1 adds 1024²-4096² for
// MobileNetV2 and ResNet50 at 256²-2048².
#include <algorithm>

#include <torch/torch.h>

#include "bench/bench_support.h"
#include "bench/model_setup.h"
#include "harness/memory/memory_cap.h"

namespace pgd::bench {
namespace {

// Allocates the gradients and Adam's moments of every parameter, as after a first step. Adam on a
// zero gradient keeps zero moments and moves each weight by 0/(sqrt(0)+eps) = 0.
void make_optimizer_state(BuiltModel& model) {
  auto& network = dynamic_cast<methods::NetworkMethod&>(*model.method);
  for (auto& p : network.network()->parameters())
    if (p.requires_grad()) p.mutable_grad() = torch::zeros_like(p);
  network.optimizer().step();
  network.optimizer().zero_grad();
}

void memory_case(benchmark::State& state, const ModelCase& c) {
  memory::MemoryCap cap(safety_cap(), torch::kCPU);
  BuiltModel model;
  if (!run_or_skip(state, [&] {
        model = build_model(c);
        make_optimizer_state(model);
      }))
    return;
  cap.reset_peak();
  const uint64_t base = cap.live_bytes();
  for (auto _ : state) {
    const bool ok = run_or_skip(state, [&] {
      const auto r = model.method->train_batch(model.images, model.labels);
      benchmark::DoNotOptimize(r.loss);
    });
    if (!ok) break;
  }
  if (state.error_occurred()) return;
  // No compute counters: a cold step's time includes first-call costs (see step_time_bench.cpp
  // for step times).
  const uint64_t peak = cap.peak_bytes();
  report_memory(state, peak, base);
  state.counters["step_bytes"] = benchmark::Counter(
      static_cast<double>(peak - base), benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
}

// One point of a curve: `series` names it in the benchmark name.
struct MemoryPoint {
  std::string series;  // "gd" | "patchgd" (f_s = 0.1) | "patchgd-k8" (k = 8 patches)
  ModelCase model;
};

std::vector<MemoryPoint> memory_points() {
  std::vector<MemoryPoint> points;
  auto add = [&](const BackboneChoice& backbone, int64_t side, bool heavy) {
    const int64_t n = side / 128;  // N
    for (const std::string series : {"gd", "patchgd", "patchgd-k8"}) {
      ModelCase c;
      c.method = series == "gd" ? "gd" : "patchgd";
      c.backbone = backbone;
      c.side = side;
      c.batch = 2;
      c.patch = 128;
      // The sweep's fixed f_s makes k = ⌈0.1·N²⌉ grow with the pixels; a fixed k (f_s = 8/N²,
      // ζ = N²/8 inner iterations) is what keeps the step's graph the same size at every side.
      c.fraction = series == "patchgd-k8" ? std::min(1.0, 8.0 / static_cast<double>(n * n)) : 0.1;
      c.heavy = heavy;
      points.push_back({series, c});
    }
  };
  for (int64_t side : {256, 512}) add(mobilenetv2(1.0), side, false);
  if (full_mode()) {
    for (int64_t side : {1024, 2048, 4096}) add(mobilenetv2(1.0), side, true);
    for (int64_t side : {256, 512, 1024, 2048}) add(resnet50(), side, true);
  }
  return points;
}

const bool registered = [] {
  for (const auto& p : memory_points()) {
    // Named by series first: a filter like BM_MemoryScaling/patchgd/ picks one curve.
    const std::string name = join_name({"BM_MemoryScaling", p.series, p.model.backbone.label,
                                        "side:" + std::to_string(p.model.side)});
    benchmark::RegisterBenchmark(name.c_str(), memory_case, p.model)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace pgd::bench
