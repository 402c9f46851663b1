// What the equal-memory settings cost and save (issue 12), one warm training step each:
//   BM_GdCheckpoint/<off|stages|blocks>/<backbone>/side:S/batch:1
//     GD with activation checkpointing: time over plain GD (expected ≈ 1.3×: one more forward of
//     the checkpointed segments) against the peak it saves.
//   BM_PatchGdInnerChunk/<chunk:0|chunk:C>/<backbone>/side:S/batch:B
//     PatchGD's inner step with the k patches of each image encoded C at a time: without chunks
//     the peak grows with B·k; with them it should stay near that of one chunk.
// Counters: peak_bytes (capping allocator, during the timed steps), base_bytes (held before
// them: weights, optimizer state, the batch), step_bytes = peak − base. A first untimed step
// allocates gradients and Adam's state, so the timed steps are steady-state ones.
// Default: MobileNetV2 and ResNet50 at 512² (GD), PatchGD at 512² with batches 2 and 8.
// PATCHGD_BENCH_FULL=1 adds GD at 1024² and 2048².
#include <torch/torch.h>

#include "bench/bench_support.h"
#include "bench/model_setup.h"
#include "harness/memory/memory_cap.h"

namespace pgd::bench {
namespace {

void warm_step_case(benchmark::State& state, const ModelCase& c) {
  memory::MemoryCap cap(safety_cap(), torch::kCPU);
  BuiltModel model;
  if (!run_or_skip(state, [&] {
        model = build_model(c);
        model.method->train_batch(model.images, model.labels);  // gradients and Adam's state
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
  const uint64_t peak = cap.peak_bytes();
  report_memory(state, peak, base);
  state.counters["step_bytes"] = benchmark::Counter(
      static_cast<double>(peak - base), benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
  state.counters["images_per_s"] = benchmark::Counter(
      static_cast<double>(c.batch), benchmark::Counter::kIsIterationInvariantRate);
}

void register_case(const std::string& name, const ModelCase& c) {
  benchmark::RegisterBenchmark(name.c_str(), warm_step_case, c)
      ->Iterations(2)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

const bool registered = [] {
  std::vector<std::pair<BackboneChoice, int64_t>> gd_points = {{mobilenetv2(1.0), 512},
                                                               {resnet50(), 512}};
  if (full_mode())
    for (int64_t side : {1024, 2048}) {
      gd_points.push_back({mobilenetv2(1.0), side});
      gd_points.push_back({resnet50(), side});
    }
  for (const auto& [backbone, side] : gd_points)
    for (const std::string mode : {"off", "stages", "blocks"}) {
      ModelCase c;
      c.method = "gd";
      c.backbone = backbone;
      c.side = side;
      c.batch = 1;
      c.overrides = {"method.checkpoint=" + mode};
      register_case(join_name({"BM_GdCheckpoint", mode, backbone.label,
                               "side:" + std::to_string(side), "batch:1"}),
                    c);
    }
  // PatchGD at 512², patch 64 (N = 8), f_s = 1/4: k = 16 patches per image and inner iteration.
  for (int64_t batch : {2, 8})
    for (int64_t chunk : {0, 16}) {
      ModelCase c;
      c.method = "patchgd";
      c.backbone = mobilenetv2(1.0);
      c.side = 512;
      c.batch = batch;
      c.patch = 64;
      c.fraction = 0.25;
      c.overrides = {"method.inner_chunk=" + std::to_string(chunk)};
      register_case(join_name({"BM_PatchGdInnerChunk", "chunk:" + std::to_string(chunk),
                               c.backbone.label, "side:512", "batch:" + std::to_string(batch)}),
                    c);
    }
  return true;
}();

}  // namespace
}  // namespace pgd::bench
