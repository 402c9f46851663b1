#include "methods/patch_grid.h"

#include <set>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace pgd::methods {
namespace {

using torch::indexing::Slice;

TEST(SamplingPlan, ReferenceCeilings) {
  auto a = make_sampling_plan(16, 0.25, 0);
  EXPECT_EQ(a.k, 4);
  EXPECT_EQ(a.zeta, 4);
  EXPECT_EQ(a.inner_steps, 4);
  EXPECT_EQ(a.epsilon, 4);  // 0 → ζ

  auto b = make_sampling_plan(16, 0.3, 1);
  EXPECT_EQ(b.k, 5);     // ⌈4.8⌉
  EXPECT_EQ(b.zeta, 4);  // ⌈3.33⌉
  EXPECT_EQ(b.inner_steps, 4);
  EXPECT_EQ(b.epsilon, 1);

  auto paper = make_sampling_plan(256, 0.125, 0);  // UltraMNIST: N = 16, f_s = 1/8
  EXPECT_EQ(paper.k, 32);
  EXPECT_EQ(paper.zeta, 8);

  auto panda = make_sampling_plan(256, 0.1, 0);  // PANDA 2048: N = 16, f_s = 0.1
  EXPECT_EQ(panda.k, 26);
  EXPECT_EQ(panda.zeta, 10);
  EXPECT_EQ(panda.inner_steps, 10);

  EXPECT_EQ(make_sampling_plan(100, 0.07, 0).k, 7);  // 100·0.07 = 7.000000000000001
  EXPECT_EQ(make_sampling_plan(16, 1.0, 0).zeta, 1);
}

TEST(SamplingPlan, FewerChunksThanZetaOnTinyGrids) {
  auto p = make_sampling_plan(4, 0.3, 0);  // k = ⌈1.2⌉ = 2: only 2 chunks, ζ = 4
  EXPECT_EQ(p.k, 2);
  EXPECT_EQ(p.zeta, 4);
  EXPECT_EQ(p.inner_steps, 2);
}

TEST(SamplingPlan, RejectsBadFractions) {
  EXPECT_THROW(make_sampling_plan(16, 0.0, 0), std::invalid_argument);
  EXPECT_THROW(make_sampling_plan(16, 1.5, 0), std::invalid_argument);
  EXPECT_THROW(make_sampling_plan(16, 0.5, -1), std::invalid_argument);
}

TEST(SplitPositions, ChunksOfKWithAShorterLast) {
  auto chunks = split_positions(torch::arange(16, torch::kLong), 5);
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].size(0), 5);
  EXPECT_EQ(chunks[3].size(0), 1);
  EXPECT_EQ(chunks[3].item<int64_t>(), 15);
}

TEST(GatherPatches, MatchesExplicitSlicingImageMajor) {
  const int64_t b = 2, p = 4, n = 3;
  auto images = torch::randn({b, 3, n * p, n * p});
  auto positions = torch::tensor({7, 0, 5}, torch::kLong);  // (2,1), (0,0), (1,2)
  auto patches = gather_patches(images, positions, p);
  ASSERT_EQ(patches.sizes(), torch::IntArrayRef({b * 3, 3, p, p}));
  for (int64_t i = 0; i < b; ++i) {
    for (int64_t j = 0; j < 3; ++j) {
      const int64_t pos = positions[j].item<int64_t>(), r = pos / n, c = pos % n;
      auto expected =
          images.index({i, Slice(), Slice(r * p, (r + 1) * p), Slice(c * p, (c + 1) * p)});
      EXPECT_TRUE(torch::equal(patches[i * 3 + j], expected))
          << "image " << i << " position " << pos;
    }
  }
}

TEST(GatherPatches, RejectsAPatchThatDoesNotDivide) {
  EXPECT_THROW(gather_patches(torch::zeros({1, 3, 10, 10}), torch::tensor({0}, torch::kLong), 3),
               c10::Error);
}

TEST(WriteEncodings, WritesTheChunkAtItsPositionsForEveryImage) {
  const int64_t b = 2, d = 3, n = 3;
  auto z = torch::zeros({b, d, n, n});
  auto positions = torch::tensor({4, 8}, torch::kLong);
  auto enc = torch::arange(b * 2 * d, torch::kFloat).view({b * 2, d}) + 1;  // row b·k + j
  auto out = write_encodings(z, positions, enc);
  EXPECT_EQ(z.abs().sum().item<double>(), 0.0);  // out of place
  for (int64_t i = 0; i < b; ++i)
    for (int64_t j = 0; j < 2; ++j) {
      const int64_t pos = positions[j].item<int64_t>();
      EXPECT_TRUE(torch::equal(out.index({i, Slice(), pos / n, pos % n}), enc[i * 2 + j]));
    }
  EXPECT_EQ(out.ne(0).sum().item<int64_t>(), b * 2 * d);  // nothing else written

  auto z2 = torch::zeros({b, d, n, n});
  write_encodings_(z2, positions, enc);
  EXPECT_TRUE(torch::equal(z2, out));
}

TEST(WriteEncodings, GradientReachesOnlyTheChunk) {
  const int64_t b = 2, d = 2, n = 2;
  auto z = torch::randn({b, d, n, n});
  auto positions = torch::tensor({1}, torch::kLong);
  auto enc = torch::randn({b, d}, torch::requires_grad());
  auto weights = torch::randn({b, d, n, n});
  (write_encodings(z, positions, enc) * weights).sum().backward();
  auto expected = weights.view({b, d, n * n}).index({Slice(), Slice(), 1});
  EXPECT_TRUE(torch::allclose(enc.grad(), expected));
}

}  // namespace
}  // namespace pgd::methods
