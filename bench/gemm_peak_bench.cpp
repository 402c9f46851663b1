// The reference the FLOP floors are measured against: a square float32 torch::mm.
//   BM_GemmPeak/n:N   C = A·B with A, B N×N (FLOPs: 2·N³)
// main measures the peak once (n = 2048, best of 5) before any case runs and puts it in the
// context as peak_gflops; this family shows the same GEMM under the framework's timing, and how
// far smaller GEMMs fall below it. Its floor_ratio is ≥ 1 by construction (about 1 at 2048).
#include <torch/torch.h>

#include "bench/bench_support.h"

namespace pgd::bench {
namespace {

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

}  // namespace
}  // namespace pgd::bench
