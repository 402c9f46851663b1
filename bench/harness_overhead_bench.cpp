// What the harness itself adds to a run: the capping allocator per allocation and the results
// store per write.
//
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
//
// Writes to the results database (SQLite, WAL; every write its own BEGIN IMMEDIATE
// transaction), into a fresh database in a temporary directory per case:
//   BM_StoreAddMetric              one add_metric (an epoch's value of one metric)
//   BM_StoreAddMeasurement         one add_measurement (latency, peak memory, ...)
//   BM_StoreAddPredictions/rows:N  one add_predictions of N validation predictions
//   BM_StoreWholeRun/epochs:E      a whole run's worth of writes: start_single_run, per epoch 6
//                                  metrics (train loss/accuracy, val loss/accuracy/qwk, lr),
//                                  1,000 predictions, 8 measurements, finish_run
// These bound what the store adds to a sweep (a run's writes vs its minutes of training) and
// show the per-transaction cost that makes batching (add_predictions) worth it.
// Counters: items_per_second = writes (metrics, measurements, predictions, runs)/s.
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "bench/bench_support.h"
#include "harness/memory/capped_cpu_allocator.h"
#include "harness/store/result_store.h"

namespace pgd::bench {
namespace {

// ---- the capping CPU allocator ----

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

void block_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("bytes");
  for (int64_t n : {int64_t{64}, int64_t{4} << 10, int64_t{1} << 20, int64_t{64} << 20}) b->Arg(n);
}

const bool allocator_registered = [] {
  for (const bool capped : {true, false}) {
    const std::string name = join_name({"BM_AllocFree", capped ? "capped" : "default"});
    benchmark::RegisterBenchmark(name.c_str(), alloc_free_case, capped)
        ->Apply(block_sizes)
        ->ThreadRange(1, 2)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("BM_TorchEmpty", torch_empty_case)->Apply(block_sizes);
  return true;
}();

// ---- the results store ----

store::Provenance bench_provenance() {
  store::Provenance p;
  p.git_commit = "0000000000000000000000000000000000000000";
  p.host = "bench";
  p.torch_version = "bench";
  p.threads = 1;
  return p;
}

int64_t start_run(store::ResultStore& db, int64_t serial) {
  const nlohmann::json cfg = {{"kind", "bench"}, {"serial", serial}};
  return db.start_single_run(cfg, "hash-" + std::to_string(serial), 42, "bench:0",
                             bench_provenance());
}

std::vector<store::ResultStore::Prediction> predictions(int64_t rows) {
  std::vector<store::ResultStore::Prediction> p;
  p.reserve(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i)
    p.push_back({"sample/" + std::to_string(i), i % 10, (i * 7) % 10});
  return p;
}

void metric_case(benchmark::State& state) {
  TempDir dir("patchgd-bench-store");
  store::ResultStore db(dir.path() / "bench.db");
  const int64_t run = start_run(db, 0);
  int64_t i = 0;
  for (auto _ : state) {
    db.add_metric(run, i, "train", "loss", 1.0 / static_cast<double>(i + 1));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}

void measurement_case(benchmark::State& state) {
  TempDir dir("patchgd-bench-store");
  store::ResultStore db(dir.path() / "bench.db");
  const int64_t run = start_run(db, 0);
  int64_t i = 0;
  for (auto _ : state) db.add_measurement(run, "latency_train_" + std::to_string(i++), 12.5, "ms");
  state.SetItemsProcessed(state.iterations());
}

void predictions_case(benchmark::State& state) {
  TempDir dir("patchgd-bench-store");
  store::ResultStore db(dir.path() / "bench.db");
  const int64_t run = start_run(db, 0);
  const auto rows = predictions(state.range(0));
  for (auto _ : state) db.add_predictions(run, "val", rows);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void whole_run_case(benchmark::State& state) {
  TempDir dir("patchgd-bench-store");
  store::ResultStore db(dir.path() / "bench.db");
  const int64_t epochs = state.range(0);
  const auto rows = predictions(1000);
  int64_t serial = 0;
  for (auto _ : state) {
    const int64_t run = start_run(db, serial++);
    for (int64_t e = 0; e < epochs; ++e) {
      const double v = 1.0 / static_cast<double>(e + 1);
      db.add_metric(run, e, "train", "loss", v);
      db.add_metric(run, e, "train", "accuracy", 1 - v);
      db.add_metric(run, e, "val", "loss", v);
      db.add_metric(run, e, "val", "accuracy", 1 - v);
      db.add_metric(run, e, "val", "qwk", 1 - v);
      db.add_metric(run, e, "train", "lr", 1e-3 * v);
    }
    db.add_predictions(run, "val", rows);
    for (const char* m :
         {"latency_train_ms", "latency_infer_ms", "throughput_train", "throughput_infer",
          "peak_memory", "parameters", "train_seconds", "eval_seconds"})
      db.add_measurement(run, m, 1.0, "");
    db.finish_run(run, "done");
  }
  state.SetItemsProcessed(state.iterations());
}

const bool store_registered = [] {
  benchmark::RegisterBenchmark("BM_StoreAddMetric", metric_case)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_StoreAddMeasurement", measurement_case)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_StoreAddPredictions", predictions_case)
      ->ArgName("rows")
      ->Arg(1000)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_StoreWholeRun", whole_run_case)
      ->ArgName("epochs")
      ->Arg(10)
      ->Arg(100)
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace pgd::bench
