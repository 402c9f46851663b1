// One training update, timed whole, for both methods on the same synthetic batch:
//   BM_GdTrainStep       GradientDescent::train_batch: forward, backward and the Adam step over
//                        B whole images (FLOPs: 3 × forward of backbone + head).
//   BM_PatchGdTrainBatch PatchGradientDescent::train_batch: Z fill over all N² patches, then the
//                        inner iterations (k patches re-encoded with gradients, head, backward)
//                        and the optimizer step(s) (FLOPs: see model_setup.h).
// Counters: items_per_second = images/s; gflop, gflops, floor_ratio (bench_support.h);
// peak_bytes / base_bytes over the timed iterations.
//
// Each case runs one untimed step first: the first step of a process pays for oneDNN's
// primitive creation, the thread pool's start and Adam's state allocation, none of which is a
// per-step cost.
#include <torch/torch.h>

#include "bench/bench_support.h"
#include "bench/model_setup.h"
#include "harness/memory/memory_cap.h"

namespace pgd::bench {
namespace {

void train_case(benchmark::State& state, const ModelCase& c) {
  memory::MemoryCap cap(safety_cap(), torch::kCPU);  // the warm-up is capped too
  BuiltModel model;
  if (!run_or_skip(state, [&] {
        model = build_model(c);
        model.method->train_batch(model.images, model.labels);  // warm-up
      }))
    return;
  cap.reset_peak();  // the timed iterations' peak, not the warm-up's
  const uint64_t base = cap.live_bytes();
  WallTimer timer;
  for (auto _ : state) {
    timer.start();
    const bool ok = run_or_skip(state, [&] {
      const auto r = model.method->train_batch(model.images, model.labels);
      benchmark::DoNotOptimize(r.loss);
    });
    timer.stop();
    if (!ok) break;
  }
  state.SetItemsProcessed(state.iterations() * c.batch);
  report_compute(state, model.train_flops, timer);
  report_memory(state, cap.peak_bytes(), base);
  if (c.method == "patchgd") {
    const auto& plan = model.patchgd().plan();
    state.counters["k"] = static_cast<double>(plan.k);
    state.counters["inner_steps"] = static_cast<double>(plan.inner_steps);
  }
}

// Heavy cases run a fixed, small number of iterations: one ResNet50 step at 2048² takes tens
// of seconds on 2 cores, and the framework's default 0.5 s minimum would add nothing.
void finish_registration(benchmark::internal::Benchmark* b, const ModelCase& c) {
  b->UseRealTime()->Unit(benchmark::kMillisecond);
  if (c.heavy) b->Iterations(c.side >= 2048 ? 1 : 2);
}

const bool registered = [] {
  for (const auto& c : step_cases("gd"))
    finish_registration(
        benchmark::RegisterBenchmark(c.benchmark_name("BM_GdTrainStep").c_str(), train_case, c), c);
  for (const auto& c : step_cases("patchgd"))
    finish_registration(
        benchmark::RegisterBenchmark(c.benchmark_name("BM_PatchGdTrainBatch").c_str(), train_case, c),
        c);
  return true;
}();

}  // namespace
}  // namespace pgd::bench
