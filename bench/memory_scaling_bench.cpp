// Peak CPU memory of one training step against the image side, GD vs PatchGD (the question of
// experiments/sweeps/memory-scaling.yaml, asked of the allocator directly and in seconds):
//   BM_MemoryScaling/<method>/<backbone>/side:S
// Batch 2 (the head's last BatchNorm needs more than one value per channel in train mode, and
// below N = 16 (PatchGD) or S = 512 (GD) its map is 1×1); PatchGD with patch 128 and f_s 0.1, as
// in the sweep. GD's activations grow with the
// pixels (S²); PatchGD's step holds only the k patches of one inner iteration in the graph, so
// its peak should stay nearly flat: what grows is the image (3·S²·4 bytes) and Z (D·N²·4 bytes).
//
// The step measured is the model's first (cold) one, built fresh per case: its peak covers the
// forward and backward and the creation of Adam's state, and a second step would double the time
// of the large cases for the same number. Counters:
//   peak_bytes  the most CPU bytes held during the step (capping allocator, reset per case)
//   base_bytes  held before the step: the parameters and the input batch (plus whatever
//               else the process holds then, normally nothing of note)
//   step_bytes  peak_bytes − base_bytes: what the step itself adds
// (the time shown is that of a cold step; BM_GdTrainStep / BM_PatchGdTrainBatch time warm ones). A step past PATCHGD_BENCH_MEM_CAP (default
// 8 GiB; GD at 4096²) is reported as skipped with "oom: ...": on a shared machine a safety cap
// is better than the kernel's OOM killer.
//
// Default: MobileNetV2 (width 1.0) at 256² and 512². PATCHGD_BENCH_FULL=1 adds 1024²-4096² for
// MobileNetV2 and ResNet50 at 256²-2048².
#include <torch/torch.h>

#include "bench/bench_support.h"
#include "bench/model_setup.h"
#include "harness/memory/memory_cap.h"

namespace pgd::bench {
namespace {

void memory_case(benchmark::State& state, const ModelCase& c) {
  BuiltModel model;
  if (!run_or_skip(state, [&] { model = build_model(c); })) return;
  memory::MemoryCap cap(memory_scaling_cap(), torch::kCPU);  // resets the peak
  const uint64_t base = cap.live_bytes();
  for (auto _ : state) {
    const bool ok = run_or_skip(state, [&] {
      const auto r = model.method->train_batch(model.images, model.labels);
      benchmark::DoNotOptimize(r.loss);
    });
    if (!ok) break;
  }
  if (state.error_occurred()) return;
  // No compute counters: a cold step's time includes first-call costs (see train_step_bench.cpp
  // for step times).
  const uint64_t peak = cap.peak_bytes();
  report_memory(state, peak, base);
  state.counters["step_bytes"] = benchmark::Counter(static_cast<double>(peak - base),
                                                    benchmark::Counter::kDefaults,
                                                    benchmark::Counter::kIs1024);
}

std::vector<ModelCase> memory_cases() {
  std::vector<ModelCase> cases;
  auto add = [&](const BackboneChoice& backbone, int64_t side, bool heavy) {
    for (const char* method : {"gd", "patchgd"}) {
      ModelCase c;
      c.method = method;
      c.backbone = backbone;
      c.side = side;
      c.batch = 2;
      c.patch = 128;
      c.fraction = 0.1;
      c.heavy = heavy;
      cases.push_back(c);
    }
  };
  for (int64_t side : {256, 512}) add(mobilenetv2(1.0), side, false);
  if (full_mode()) {
    for (int64_t side : {1024, 2048, 4096}) add(mobilenetv2(1.0), side, true);
    for (int64_t side : {256, 512, 1024, 2048}) add(resnet50(), side, true);
  }
  return cases;
}

const bool registered = [] {
  for (const auto& c : memory_cases()) {
    // Named by method first: a filter like BM_MemoryScaling/patchgd picks one curve.
    const std::string name = join_name({"BM_MemoryScaling", c.method, c.backbone.label,
                                        "side:" + std::to_string(c.side)});
    benchmark::RegisterBenchmark(name.c_str(), memory_case, c)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace pgd::bench
