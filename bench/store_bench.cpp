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

#include "bench/bench_support.h"
#include "harness/store/result_store.h"

namespace pgd::bench {
namespace {

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
    for (const char* m : {"latency_train_ms", "latency_infer_ms", "throughput_train", "throughput_infer",
                          "peak_memory", "parameters", "train_seconds", "eval_seconds"})
      db.add_measurement(run, m, 1.0, "");
    db.finish_run(run, "done");
  }
  state.SetItemsProcessed(state.iterations());
}

const bool registered = [] {
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
