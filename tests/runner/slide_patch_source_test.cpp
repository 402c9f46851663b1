// PatchGD streamed from slides (issue 16): patches read window by window through OpenSlide give
// the same losses, gradients and predictions as the same slides held whole in memory, a slide
// too large for the cap's image budget trains when streamed, and bad slides fail naming the file.
#include "harness/runner/slide_patch_source.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <random>

#include "datasets/dataset.h"
#include "datasets/panda_dataset.h"
#include "datasets/panda_slide.h"
#include "datasets/pyramid_tiff_writer.h"
#include "harness/memory/memory_cap.h"
#include "methods/patch_gradient_descent.h"
#include "tests/datasets/panda_test_slides.h"
#include "tests/methods/method_test_util.h"

namespace pgd::runner {
namespace {

using data::kPandaMean;
using data::kPandaStd;

// H×W×3 tissue-like content: smooth colour gradients plus noise, so every patch differs.
std::vector<uint8_t> slide_pixels(int64_t h, int64_t w, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> noise(0, 40);
  std::vector<uint8_t> rgb(static_cast<size_t>(h * w * 3));
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      uint8_t* p = &rgb[static_cast<size_t>((y * w + x) * 3)];
      p[0] = static_cast<uint8_t>(150 + (x * 60) / w + noise(gen) / 2);
      p[1] = static_cast<uint8_t>(60 + (y * 120) / h + noise(gen));
      p[2] = static_cast<uint8_t>(120 + ((x + y) * 50) / (h + w) + noise(gen));
    }
  return rgb;
}

// The in-memory path: the level read whole, padded white to S×S at the bottom/right, normalized
// with the same table → 3×S×S.
torch::Tensor level_in_memory(const std::filesystem::path& slide, int32_t level, int64_t side) {
  int64_t h = 0, w = 0;
  const auto rgb = data::read_slide_level_rgb(slide, level, &h, &w);
  std::vector<uint8_t> square(static_cast<size_t>(side * side * 3), 255);
  for (int64_t y = 0; y < std::min(h, side); ++y)
    std::copy_n(rgb.data() + y * w * 3, std::min(w, side) * 3, square.data() + y * side * 3);
  auto out = torch::empty({3, side, side}, torch::kFloat);
  data::RgbNormalizer(kPandaMean, kPandaStd)
      .to_planes(square.data(), side * side, out.data_ptr<float>(), side * side);
  return out;
}

nlohmann::json streaming_config(int64_t patch, double fraction, int64_t inner_chunk) {
  auto cfg = methods::testing::tiny_config("patchgd");
  cfg["backbone"] = {{"name", "mobilenetv2"}, {"width", 0.25}, {"weights", nullptr}};
  cfg["method"]["patch_size"] = patch;
  cfg["method"]["sampling_fraction"] = fraction;
  cfg["method"]["inner_chunk"] = inner_chunk;
  return cfg;
}

std::unique_ptr<methods::Method> build(const nlohmann::json& cfg, int64_t side) {
  torch::manual_seed(5);
  return methods::make_method(spec::read_method_options(config::ConfigView(cfg)),
                              methods::testing::tiny_context(side));
}

class SlidePatchSourceTest : public ::testing::Test {
 protected:
  // Two slides seen as 512² at the level read: a 448×512 level 0 (its last 64 rows are padding)
  // and a 1024×1024 slide read at level 1 (downsample 2).
  void SetUp() override {
    data::write_pyramid_tiff(small_, slide_pixels(448, 512, 1), 448, 512, 2, 128);
    data::write_pyramid_tiff(large_, slide_pixels(1024, 1024, 2), 1024, 1024, 2, 128);
  }
  torch::Tensor in_memory_batch() const {
    return torch::stack({level_in_memory(small_, 0, kSide), level_in_memory(large_, 1, kSide)});
  }
  // Level 0 of the first slide and level 1 of the second, as one streamed batch.
  struct MixedLevels : methods::PatchSource {
    MixedLevels(const std::filesystem::path& a, const std::filesystem::path& b)
        : first({a}, 0, kSide, kPandaMean, kPandaStd), second({b}, 1, kSide, kPandaMean, kPandaStd) {}
    int64_t batch() const override { return 2; }
    int64_t side() const override { return kSide; }
    torch::Tensor patch_rows(const torch::Tensor& positions, int64_t p, int64_t start,
                             int64_t count, torch::Device device) const override {
      // Rows of image 0 come from `first`, rows of image 1 from `second` (each a batch of one).
      const int64_t k = positions.size(0);
      std::vector<torch::Tensor> parts;
      for (int64_t r = start; r < start + count; ++r)
        parts.push_back((r < k ? first : second).patch_rows(positions, p, r % k, 1, device));
      return torch::cat(parts, 0);
    }
    SlidePatchSource first, second;
  };

  static constexpr int64_t kSide = 512;
  data::panda_testing::TempDir dir_;
  std::filesystem::path small_ = dir_ / "small.tiff", large_ = dir_ / "large.tiff";
};

TEST_F(SlidePatchSourceTest, PatchesAreBitIdenticalToTheInMemoryBatch) {
  const methods::TensorPatchSource memory(in_memory_batch(), torch::kCPU);
  const MixedLevels streamed(small_, large_);
  const auto all = torch::arange(16, torch::kLong);  // 128-px patches: the whole 4×4 grid
  EXPECT_TRUE(torch::equal(streamed.patch_rows(all, 128, 0, 32, torch::kCPU),
                           memory.patch_rows(all, 128, 0, 32, torch::kCPU)));
  // A slice of rows out of a shuffled order, including bottom-row (padding) positions.
  const auto order = torch::tensor({15, 3, 12, 0, 9}, torch::kLong);
  EXPECT_TRUE(torch::equal(streamed.patch_rows(order, 128, 2, 6, torch::kCPU),
                           memory.patch_rows(order, 128, 2, 6, torch::kCPU)));
}

// Same seed, same slides: identical loss and bit-identical gradients, whole and chunked inner step.
TEST_F(SlidePatchSourceTest, StreamedTrainingMatchesInMemoryTraining) {
  const auto images = in_memory_batch();
  const auto labels = torch::tensor({1, 2}, torch::kLong);
  for (int64_t inner_chunk : {0, 3}) {
    const auto cfg = streaming_config(128, 0.25, inner_chunk);
    auto a = build(cfg, kSide);
    auto b = build(cfg, kSide);
    auto& memory = methods::testing::as<methods::PatchGradientDescent>(a);
    auto& streamed = methods::testing::as<methods::PatchGradientDescent>(b);
    // MobileNetV2's dropout draws from the global generator: each path starts from one state.
    torch::manual_seed(11);
    const auto ra = memory.accumulate_gradients(images, labels);
    torch::manual_seed(11);
    const auto rb = streamed.accumulate_gradients(MixedLevels(small_, large_), labels);
    EXPECT_EQ(ra.loss, rb.loss) << "inner_chunk " << inner_chunk;
    const auto ga = methods::testing::gradients(*memory.network());
    const auto gb = methods::testing::gradients(*streamed.network());
    for (const auto& [name, g] : ga)
      EXPECT_TRUE(torch::equal(g, gb.at(name))) << name << " inner_chunk " << inner_chunk;
    // And a full training step (optimizer and schedule) lands on the same weights.
    torch::manual_seed(12);
    memory.train_batch(images, labels);
    torch::manual_seed(12);
    streamed.train_patches(MixedLevels(small_, large_), labels);
    const auto pa = methods::testing::parameters(*memory.network());
    const auto pb = methods::testing::parameters(*streamed.network());
    for (const auto& [name, t] : pa) EXPECT_TRUE(torch::equal(t, pb.at(name))) << name;
  }
}

// The method announces its reads, so every read of a training step and of a prediction comes
// from the reader thread, started while the method computed on the read before.
TEST_F(SlidePatchSourceTest, EveryReadOfAStepIsReadAhead) {
  const auto cfg = streaming_config(128, 0.25, 3);  // chunked: the inner step reads twice
  auto method = build(cfg, kSide);
  auto& pgd = methods::testing::as<methods::PatchGradientDescent>(method);
  const SlidePatchSource source({small_, large_}, 0, kSide, kPandaMean, kPandaStd);
  pgd.train_patches(source, torch::tensor({0, 1}, torch::kLong));
  pgd.predict_patches(source);
  const auto s = source.stats();
  // 2 images × k = 4 = 8 rows per position chunk, read in row chunks of 3, 3 and 2: fill 4
  // position chunks × 3 reads, inner 4 iterations × 2 passes × 3, prediction 4 × 3.
  EXPECT_EQ(s.read_ahead, 12 + 24 + 12);
  EXPECT_EQ(s.read_directly, 0);
  EXPECT_GT(s.read_seconds, 0);
  EXPECT_LE(s.wait_seconds, s.read_seconds + 1e-3);
}

TEST_F(SlidePatchSourceTest, StreamedPredictionMatchesInMemoryPrediction) {
  auto a = build(streaming_config(128, 0.25, 0), kSide);
  auto b = build(streaming_config(128, 0.25, 0), kSide);
  const auto expected = a->predict(in_memory_batch());
  const auto got = methods::testing::as<methods::PatchGradientDescent>(b).predict_patches(
      MixedLevels(small_, large_));
  EXPECT_TRUE(torch::equal(got, expected)) << got << expected;
}

// 2048² is 48 MiB as a float tensor. Under a cap 1.25× the streamed step's own peak (which must
// sit below that image budget), the streamed step trains and the in-memory batch is OOM.
TEST_F(SlidePatchSourceTest, SlideLargerThanTheCapsImageBudgetTrainsOnlyWhenStreamed) {
  constexpr int64_t side = 2048;
  const auto big = dir_ / "big.tiff";
  data::write_pyramid_tiff(big, slide_pixels(side, side, 3), side, side, 1, 256);
  auto method = build(streaming_config(128, 1.0 / 64, 0), side);  // N = 16, k = 4
  auto& pgd = methods::testing::as<methods::PatchGradientDescent>(method);
  const auto labels = torch::tensor({2}, torch::kLong);
  const SlidePatchSource source({big}, 0, side, kPandaMean, kPandaStd);
  memory::install_capping_cpu_allocator();
  pgd.train_patches(source, labels);  // the optimizer's state and Z's buffer now exist
  uint64_t peak = 0, live = 0;
  {
    memory::MemoryCap uncapped(std::nullopt, torch::kCPU);
    live = uncapped.live_bytes();
    pgd.train_patches(source, labels);
    peak = uncapped.peak_bytes();
  }
  const uint64_t image_bytes = 3ULL * side * side * sizeof(float);
  const uint64_t cap = live + (peak - live) * 5 / 4;
  ASSERT_LT(cap, live + image_bytes) << "the streamed step alone needs " << (peak - live);
  memory::MemoryCap capped(cap, torch::kCPU);
  EXPECT_NO_THROW(pgd.train_patches(source, labels));
  try {
    pgd.train_batch(level_in_memory(big, 0, side).unsqueeze(0), labels);
    ADD_FAILURE() << "the in-memory batch trained under a cap of " << cap;
  } catch (const memory::OutOfMemoryError&) {
  }
}

// The error names the slide (and the level), for every way a slide can be bad.
void expect_data_error(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no DataError; expected one mentioning " << needle;
  } catch (const data::DataError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST_F(SlidePatchSourceTest, BadSlidesFailNamingTheFile) {
  const auto missing = dir_ / "missing.tiff";
  expect_data_error([&] { SlidePatchSource({missing}, 0, 512, kPandaMean, kPandaStd); },
                    missing.string());
  expect_data_error([&] { SlidePatchSource({small_}, 5, 512, kPandaMean, kPandaStd); },
                    "has no level 5");
  expect_data_error([&] { SlidePatchSource({small_}, 5, 512, kPandaMean, kPandaStd); },
                    small_.string());
  // Truncated: the directory survives, the tiles do not; opening or the first read fails.
  const auto cut = dir_ / "cut.tiff";
  data::write_pyramid_tiff(cut, slide_pixels(1024, 1024, 4), 1024, 1024, 1, 128);
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 3);
  expect_data_error(
      [&] {
        SlidePatchSource source({cut}, 0, 1024, kPandaMean, kPandaStd);
        source.patch_rows(torch::arange(64, torch::kLong), 128, 0, 64, torch::kCPU);
      },
      cut.string());
}

}  // namespace
}  // namespace pgd::runner
