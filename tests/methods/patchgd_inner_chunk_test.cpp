// PatchGD's chunked inner step (method.inner_chunk): the k re-encoded patches of an inner
// iteration go through the backbone in chunks, then backward chunk by chunk from dL/dZ.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "harness/memory/memory_cap.h"
#include "method_test_util.h"
#include "methods/patch_gradient_descent.h"

namespace pgd::methods {
namespace {

nlohmann::json chunked_config(int64_t inner_chunk, bool freeze_bn) {
  auto cfg = testing::tiny_config("patchgd");
  cfg["method"]["inner_chunk"] = inner_chunk;
  cfg["method"]["freeze_bn"] = freeze_bn;
  return cfg;
}

struct Gradients {
  double loss;
  int64_t correct;
  std::map<std::string, torch::Tensor> grads, state;
};

Gradients accumulate(const nlohmann::json& cfg, int64_t batch = 4) {
  torch::manual_seed(21);
  auto method = testing::build(cfg);
  auto& pgd = testing::as<PatchGradientDescent>(method);
  auto [images, labels] = testing::pattern_batch(batch);
  const auto r = pgd.accumulate_gradients(images, labels);
  return {r.loss, r.correct, testing::gradients(*pgd.network()),
          testing::parameters(*pgd.network())};
}

// Eval-mode backbone BatchNorm: chunking changes nothing but the summation order. 4 images ×
// k = 4 patches = 16 rows, in chunks of 3 (the last one short) and of 16 (one chunk).
TEST(PatchGdInnerChunk, SameGradientAsTheUnchunkedStepWithFrozenBatchNorm) {
  const auto whole = accumulate(chunked_config(0, true));
  for (int64_t chunk : {3, 5, 16}) {
    const auto split = accumulate(chunked_config(chunk, true));
    EXPECT_NEAR(split.loss, whole.loss, 1e-5 * whole.loss) << chunk;
    EXPECT_EQ(split.correct, whole.correct) << chunk;
    std::string worst;
    EXPECT_LT(testing::max_relative_difference(split.grads, whole.grads, &worst), 1e-4)
        << "chunk " << chunk << " worst " << worst;
  }
}

// Train-mode BatchNorm normalises each chunk by its own statistics (as micro-batches do in GD),
// so the gradient differs from the unchunked step's; the replay must not update the running
// statistics a second time: every backbone BatchNorm counts the fill's and the first pass's
// chunks once. 16 rows in chunks of 3 are 3+3+3+3+4 (a last single row joins the one before):
// fill 4 position chunks × 5 calls, inner ζ = 4 iterations × 5 calls.
TEST(PatchGdInnerChunk, RunningStatisticsCountEachChunkOnce) {
  const auto split = accumulate(chunked_config(3, false));
  EXPECT_EQ(split.state.at("backbone.bn1.num_batches_tracked").item<int64_t>(), 4 * 5 + 4 * 5);
  const auto whole = accumulate(chunked_config(0, false));
  EXPECT_EQ(whole.state.at("backbone.bn1.num_batches_tracked").item<int64_t>(), 4 + 4);
  EXPECT_TRUE(std::isfinite(split.loss));
}

TEST(PatchGdInnerChunk, PredictionIsUnchangedByChunking) {
  torch::manual_seed(2);
  auto a = testing::build(chunked_config(0, false));
  torch::manual_seed(2);
  auto b = testing::build(chunked_config(5, false));
  auto [x, y] = testing::pattern_batch(3);
  EXPECT_TRUE(torch::allclose(a->predict(x), b->predict(x), 1e-5, 1e-6));
}

// Peak of one PatchGD step (capping allocator), above what was live before it.
uint64_t peak_of_step(int64_t batch, int64_t inner_chunk) {
  auto cfg = chunked_config(inner_chunk, false);
  cfg["backbone"] = {{"name", "mobilenetv2"}, {"width", 0.5}, {"weights", nullptr}};
  cfg["method"]["patch_size"] = 32;
  cfg["method"]["sampling_fraction"] = 0.5;  // N = 4, k = 8 patches per image
  torch::manual_seed(1);
  auto method =
      make_method(spec::read_method_options(config::ConfigView(cfg)), testing::tiny_context(128));
  auto [images, labels] = testing::pattern_batch(batch, 128);
  memory::install_capping_cpu_allocator();
  memory::MemoryCap cap(std::nullopt, torch::kCPU);
  const uint64_t before = cap.live_bytes();
  testing::as<PatchGradientDescent>(method).accumulate_gradients(images, labels);
  return cap.peak_bytes() - before;
}

// With chunks of 8 patches, the step's peak no longer grows with B·k: batch 8 (64 patches per
// iteration) peaks about where batch 2 (16) does, and well below the unchunked batch 8.
TEST(PatchGdInnerChunk, PeakFollowsTheChunkNotBTimesK) {
  const uint64_t small = peak_of_step(2, 8);
  const uint64_t large = peak_of_step(8, 8);
  const uint64_t unchunked = peak_of_step(8, 0);
  EXPECT_LT(large, unchunked / 2) << "chunked " << large << " unchunked " << unchunked;
  EXPECT_LT(large, small * 3 / 2) << "batch 8 " << large << " batch 2 " << small;
}

}  // namespace
}  // namespace pgd::methods
