// Inference of one batch (Method::predict: eval mode, no gradients, logits to the CPU):
//   BM_GdPredict       backbone + head over the whole images (FLOPs: B·F).
//   BM_PatchGdPredict  Z filled from every patch in chunks of k positions (method.eval_chunk = 0),
//                      then the head (FLOPs: B·(N²·F_p + H)).
// Counters as in train_step_bench.cpp.
#include <torch/torch.h>

#include "bench/bench_support.h"
#include "bench/model_setup.h"
#include "harness/memory/memory_cap.h"

namespace pgd::bench {
namespace {

void predict_case(benchmark::State& state, const ModelCase& c) {
  memory::MemoryCap cap(safety_cap(), torch::kCPU);  // the warm-up is capped too
  BuiltModel model;
  if (!run_or_skip(state, [&] {
        model = build_model(c);
        model.method->predict(model.images);  // warm-up (oneDNN primitives, thread pool)
      }))
    return;
  cap.reset_peak();  // the timed iterations' peak, not the warm-up's
  const uint64_t base = cap.live_bytes();
  WallTimer timer;
  for (auto _ : state) {
    timer.start();
    const bool ok = run_or_skip(state, [&] {
      auto logits = model.method->predict(model.images);  // B×classes
      benchmark::DoNotOptimize(logits.data_ptr());
    });
    timer.stop();
    if (!ok) break;
  }
  state.SetItemsProcessed(state.iterations() * c.batch);
  report_compute(state, model.predict_flops, timer);
  report_memory(state, cap.peak_bytes(), base);
}

const bool registered = [] {
  for (const auto& [family, method] : {std::pair<const char*, const char*>{"BM_GdPredict", "gd"},
                                       {"BM_PatchGdPredict", "patchgd"}})
    for (const auto& c : step_cases(method)) {
      auto* b = benchmark::RegisterBenchmark(c.benchmark_name(family).c_str(), predict_case, c);
      b->UseRealTime()->Unit(benchmark::kMillisecond);
      if (c.heavy) b->Iterations(c.side >= 2048 ? 1 : 2);
    }
  return true;
}();

}  // namespace
}  // namespace pgd::bench
