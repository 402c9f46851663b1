// What the capping CPU allocator (harness/memory) costs per allocation: every CPU tensor of a
// run goes through it, so its bookkeeping (atomic live/peak counters, a mutex-guarded map of
// block sizes for the shared deleter) must stay small next to the allocation itself.
//   BM_AllocFree/capped/bytes:N    CappedCpuAllocator::allocate(N) and the free, as LibTorch
//                                  makes them (c10::DataPtr)
//   BM_AllocFree/default/bytes:N   the same on the allocator it wraps (LibTorch's own)
//   BM_TorchEmpty/bytes:N          torch::empty of N bytes and its release: the whole tensor path
//                                  through the installed (capped) allocator
// Sizes: 64 B and 4 KiB (small, from the malloc arenas), 1 MiB and 64 MiB (large, mmap'd). The
// blocks are not touched, so page faults are not counted: only the allocator's own work.
// The capped and default families also run with 2 threads, where the capped allocator's mutex
// is contended. Counters: items_per_second = alloc+free pairs/s.
#include <torch/torch.h>

#include "bench/bench_support.h"
#include "harness/memory/capped_cpu_allocator.h"

namespace pgd::bench {
namespace {

void alloc_free_case(benchmark::State& state, bool capped) {
  auto& allocator = memory::CappedCpuAllocator::install();
  c10::Allocator* target = capped ? static_cast<c10::Allocator*>(&allocator) : allocator.inner();
  const auto n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    c10::DataPtr block = target->allocate(n);  // freed at the end of the iteration
    benchmark::DoNotOptimize(block.get());
  }
  state.SetItemsProcessed(state.iterations());
}

void torch_empty_case(benchmark::State& state) {
  const int64_t n = state.range(0);
  for (auto _ : state) {
    auto t = torch::empty({n}, torch::kByte);  // n bytes
    benchmark::DoNotOptimize(t.data_ptr());
  }
  state.SetItemsProcessed(state.iterations());
}

void sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("bytes");
  for (int64_t n : {int64_t{64}, int64_t{4} << 10, int64_t{1} << 20, int64_t{64} << 20}) b->Arg(n);
}

const bool registered = [] {
  for (const bool capped : {true, false}) {
    const std::string name = join_name({"BM_AllocFree", capped ? "capped" : "default"});
    benchmark::RegisterBenchmark(name.c_str(), alloc_free_case, capped)
        ->Apply(sizes)
        ->ThreadRange(1, 2)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("BM_TorchEmpty", torch_empty_case)->Apply(sizes);
  return true;
}();

}  // namespace
}  // namespace pgd::bench
