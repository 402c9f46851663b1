// patchgd_bench's main: Google Benchmark's own, preceded by what every case relies on.
//  - The capping CPU allocator installed first, so that every tensor (models, inputs, caches)
//    is counted in live and peak bytes, as under `patchgd run`.
//  - LibTorch's intra-op threads set to every core (it defaults to 1 here).
//  - glibc keeping freed heap for reuse, as `patchgd run` does (memory::keep_freed_heap_for_reuse).
//  - The machine's float32 GEMM peak, measured once (2048³ torch::mm, best of 5), which the
//    `floor_ratio` counters divide by (per wall second and per process-CPU second);
//    PATCHGD_BENCH_PEAK_GFLOPS overrides the wall figure so that runs on a busy machine can share
//    one reference value.
//  - Provenance (git commit, host, CPU, torch version, threads, mode, peak) in the JSON context,
//    which `patchgd bench-load` stores with the run.
#include <cstdlib>
#include <string>

#include <benchmark/benchmark.h>

#include "bench/bench_support.h"
#include "harness/memory/memory_cap.h"
#include "harness/memory/process_memory.h"

int main(int argc, char** argv) {
  pgd::memory::install_capping_cpu_allocator();
  pgd::bench::configure_threads();
  pgd::memory::keep_freed_heap_for_reuse();
  auto peak = pgd::bench::measure_gemm_peak(2048, 5);
  if (const char* fixed = std::getenv("PATCHGD_BENCH_PEAK_GFLOPS"); fixed && *fixed)
    peak.flops_per_second = std::strtod(fixed, nullptr) * 1e9;
  pgd::bench::set_peak(peak);
  pgd::bench::add_provenance_context();

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
