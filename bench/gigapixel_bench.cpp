// Gigapixel PatchGD (issue 16): one training step and one prediction on a synthetic slide whose
// patches are streamed from disk (SlidePatchSource), the image never whole in memory.
//   BM_GigapixelPatchGd/side:S   MobileNetV2 ×0.25, patch 512, f_s = 1/64 (k = N²/64), batch 1,
//                                4 patches per backbone call (method.inner_chunk),
//                                under a 1 GB cap (memory.cap's CappedCpuAllocator).
//   BM_GigapixelGdPeak/side:S    plain GD at the sides it fits, batch 1, for the extrapolation
//                                of what GD would need at gigapixel sides (∝ S², labelled so).
// Counters: step_s and predict_s (wall), cap_peak_bytes (the cap's count over the case),
// peak_rss_bytes (the process's high-water mark since the case began: decoded tiles, OpenSlide
// and libtiff buffers included), read_s (reading patches, on whichever thread), wait_s (compute
// stalled on reads), reader_idle (fraction of the case's wall time the reader thread was not
// reading). The slide is written once per side under $TMPDIR/patchgd-gigapixel (tiled writer
// above 8192², one tile in memory) and kept for later runs.
//   BM_StreamOverhead/side:S     the same slide, the same model (patch S/16): one step and one
//                                prediction from the image held in memory (TensorPatchSource) and
//                                streamed (SlidePatchSource). Counters in_memory_s, streamed_s,
//                                overhead (streamed / in memory - 1; target <= 0.10 at 4096²),
//                                load_s (reading the image whole for the in-memory path, outside
//                                in_memory_s), overhead_with_load (streamed / (in memory + load)
//                                - 1) and same_result (1 when every iteration gave the same loss
//                                and logits). Three iterations: one is noisy on a shared machine.
// Default: 8192². PATCHGD_BENCH_FULL=1 adds 16384², 32768² and 65536² (half an hour on 2 cores: a
// step encodes every one of the N² patches twice, once in the fill and once in the inner loop).
#include <torch/torch.h>

#include <chrono>
#include <filesystem>

#include "bench/bench_support.h"
#include "bench/model_setup.h"
#include "datasets/panda_dataset.h"
#include "datasets/slide_window_reader.h"
#include "datasets/synthetic_slides.h"
#include "harness/memory/memory_cap.h"
#include "harness/memory/process_memory.h"
#include "harness/runner/slide_patch_source.h"

namespace pgd::bench {
namespace {

constexpr uint64_t kCapBytes = 1ULL
                               << 30;  // 1 GB as the sweep's memory.cap=1GB reads it (GB = GiB)

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The slide for `side`, written on first use (grade 3: glands present).
std::filesystem::path slide_for(int64_t side) {
  const auto dir = std::filesystem::temp_directory_path() / "patchgd-gigapixel";
  std::filesystem::create_directories(dir);
  const auto path = dir / ("synthetic-" + std::to_string(side) + ".tiff");
  if (!std::filesystem::exists(path)) {
    data::SyntheticSlidesOptions o;
    o.side = side;
    o.levels = 4;
    const auto partial = dir / ("synthetic-" + std::to_string(side) + ".partial.tiff");
    data::write_synthetic_slide(partial, 3, o);
    std::filesystem::rename(partial, path);  // a killed run leaves no half-written slide
  }
  return path;
}

ModelCase gigapixel_case(int64_t side) {
  ModelCase c;
  c.method = "patchgd";
  c.backbone = mobilenetv2(0.25);
  c.side = side;
  c.batch = 1;
  c.patch = 512;
  c.fraction = 1.0 / 64;
  // k = N²/64 patches per inner iteration grows with the slide (256 at 65536²): encoded 4 per
  // backbone call, the step's memory follows the chunk, as in experiments/sweeps/gigapixel.yaml.
  c.overrides = {"method.inner_chunk=4"};
  c.make_batch = false;
  return c;
}

void patchgd_case(benchmark::State& state, int64_t side) {
  std::filesystem::path slide;
  if (!run_or_skip(state, [&] { slide = slide_for(side); })) return;
  memory::reset_peak_resident();
  const auto case_start = std::chrono::steady_clock::now();
  memory::MemoryCap cap(kCapBytes, torch::kCPU);
  BuiltModel model;
  std::unique_ptr<runner::SlidePatchSource> source;
  if (!run_or_skip(state, [&] {
        model = build_model(gigapixel_case(side));
        source = std::make_unique<runner::SlidePatchSource>(
            std::vector<std::filesystem::path>{slide}, 0, side, data::kPandaMean, data::kPandaStd);
      }))
    return;
  double step_s = 0, predict_s = 0;
  for (auto _ : state) {
    const bool ok = run_or_skip(state, [&] {
      auto t0 = std::chrono::steady_clock::now();
      const auto r = model.patchgd().train_patches(*source, model.labels);
      step_s += seconds_since(t0);
      benchmark::DoNotOptimize(r.loss);
      t0 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(model.patchgd().predict_patches(*source));
      predict_s += seconds_since(t0);
    });
    if (!ok) break;
  }
  if (state.error_occurred()) return;
  const double iterations = static_cast<double>(state.iterations());
  const auto stats = source->stats();
  const double wall = seconds_since(case_start);
  state.counters["step_s"] = step_s / iterations;
  state.counters["predict_s"] = predict_s / iterations;
  state.counters["cap_peak_bytes"] = benchmark::Counter(
      static_cast<double>(cap.peak_bytes()), benchmark::Counter::kDefaults,
      benchmark::Counter::kIs1024);
  state.counters["peak_rss_bytes"] = benchmark::Counter(
      static_cast<double>(memory::peak_resident_bytes()), benchmark::Counter::kDefaults,
      benchmark::Counter::kIs1024);
  state.counters["cap_bytes"] = static_cast<double>(kCapBytes);
  state.counters["read_s"] = stats.read_seconds;
  state.counters["wait_s"] = stats.wait_seconds;
  state.counters["reader_idle"] = wall > 0 ? 1.0 - stats.read_seconds / wall : 0;
  state.counters["patches"] = static_cast<double>(model.patchgd().plan().positions);
}

// The gigapixel model at patch 256: at batch 1 the head needs a grid of 16 (a grid of 8 leaves
// its last BatchNorm a 1×1 map), so 4096² is cut 16×16 as the paper cuts PANDA's 2048².
ModelCase overhead_case_model(int64_t side) {
  ModelCase c = gigapixel_case(side);
  c.patch = side / 16;
  return c;
}

// One training step and one prediction, timed together; the loss and the logits come back.
std::pair<double, torch::Tensor> step_and_predict(methods::PatchGradientDescent& pgd,
                                                  const methods::PatchSource& source,
                                                  const torch::Tensor& labels, double* seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  const double loss = pgd.train_patches(source, labels).loss;
  auto logits = pgd.predict_patches(source);
  *seconds += seconds_since(t0);
  return {loss, logits};
}

void overhead_case(benchmark::State& state, int64_t side) {
  std::filesystem::path slide;
  if (!run_or_skip(state, [&] { slide = slide_for(side); })) return;
  double in_memory_s = 0, streamed_s = 0, load_s = 0;
  bool same = true;
  for (auto _ : state) {
    const bool ok = run_or_skip(state, [&] {
      // Two models built alike (same seed): one trains from memory, one from the slide.
      // Weights come from LibTorch's global generator: the same seed before each build.
      torch::manual_seed(1);
      BuiltModel a = build_model(overhead_case_model(side));
      torch::manual_seed(1);
      BuiltModel b = build_model(overhead_case_model(side));
      const data::RgbNormalizer normalizer(data::kPandaMean, data::kPandaStd);
      const auto t_load = std::chrono::steady_clock::now();
      const torch::Tensor image =
          data::read_slide_window({slide, 0}, side, normalizer).unsqueeze(0);
      load_s += seconds_since(t_load);
      const methods::TensorPatchSource held(image, torch::kCPU);
      const runner::SlidePatchSource streamed({slide}, 0, side, data::kPandaMean, data::kPandaStd);
      // Dropout draws from the global generator too: each step starts from the same state.
      torch::manual_seed(2);
      const auto [loss_a, logits_a] = step_and_predict(a.patchgd(), held, a.labels, &in_memory_s);
      torch::manual_seed(2);
      const auto [loss_b, logits_b] =
          step_and_predict(b.patchgd(), streamed, b.labels, &streamed_s);
      same = same && loss_a == loss_b && torch::equal(logits_a, logits_b);
    });
    if (!ok) break;
  }
  if (state.error_occurred()) return;
  const double iterations = static_cast<double>(state.iterations());
  state.counters["in_memory_s"] = in_memory_s / iterations;
  state.counters["streamed_s"] = streamed_s / iterations;
  state.counters["load_s"] = load_s / iterations;
  state.counters["overhead"] = in_memory_s > 0 ? streamed_s / in_memory_s - 1 : 0;
  state.counters["overhead_with_load"] =
      in_memory_s > 0 ? streamed_s / (in_memory_s + load_s) - 1 : 0;
  state.counters["same_result"] = same ? 1 : 0;
}

// GD's peak at a side it fits (batch 1, the same backbone): what it would need further up grows
// with S² (activations), which the note extrapolates and labels as such.
void gd_peak_case(benchmark::State& state, int64_t side) {
  memory::MemoryCap cap(safety_cap(), torch::kCPU);
  ModelCase c = gigapixel_case(side);
  c.method = "gd";
  c.overrides = {"method.classifier=pooled"};  // as the gigapixel sweep's GD: no head that grows
  c.make_batch = true;
  BuiltModel model;
  if (!run_or_skip(state, [&] { model = build_model(c); })) return;
  const uint64_t base = cap.live_bytes();
  for (auto _ : state) {
    const bool ok = run_or_skip(state, [&] {
      benchmark::DoNotOptimize(model.method->train_batch(model.images, model.labels).loss);
    });
    if (!ok) break;
  }
  if (state.error_occurred()) return;
  report_memory(state, cap.peak_bytes(), base);
  state.counters["image_bytes"] = static_cast<double>(3 * side * side * sizeof(float));
}

const bool registered = [] {
  std::vector<int64_t> sides = {8192};
  if (full_mode()) sides.insert(sides.end(), {16384, 32768, 65536});
  for (int64_t side : sides)
    benchmark::RegisterBenchmark(join_name({"BM_GigapixelPatchGd", "side:" + std::to_string(side)})
                                     .c_str(),
                                 patchgd_case, side)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kSecond);
  benchmark::RegisterBenchmark(join_name({"BM_StreamOverhead", "side:4096"}).c_str(), overhead_case,
                               int64_t{4096})
      ->Iterations(3)
      ->UseRealTime()
      ->Unit(benchmark::kSecond);
  for (int64_t side : {1024, 2048})
    benchmark::RegisterBenchmark(join_name({"BM_GigapixelGdPeak", "side:" + std::to_string(side)})
                                     .c_str(),
                                 gd_peak_case, side)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kSecond);
  return true;
}();

}  // namespace
}  // namespace pgd::bench
