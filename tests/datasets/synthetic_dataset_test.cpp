#include "datasets/synthetic_dataset.h"

#include <gtest/gtest.h>

#include <torch/torch.h>

namespace pgd::data {
namespace {

TEST(SyntheticDataset, ShapesLabelsAndRange) {
  SyntheticDataset ds(48, 5, 23, Split::Train, 9);
  EXPECT_EQ(ds.size(), 23u);
  EXPECT_EQ(ds.num_classes(), 5);
  EXPECT_EQ(ds.image_size(), 48);
  for (size_t i = 0; i < ds.size(); ++i) EXPECT_EQ(ds.label(i), static_cast<int64_t>(i % 5));
  EXPECT_EQ(ds.sample_id(4), "synthetic/train/4");
  torch::Tensor img = ds.image(4);
  ASSERT_EQ(img.sizes(), (std::vector<int64_t>{3, 48, 48}));
  EXPECT_EQ(img.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(img.is_contiguous());
  EXPECT_TRUE(torch::equal(img[0], img[2]));
  EXPECT_GE(img.min().item<float>(), -2.0f);
  EXPECT_LE(img.max().item<float>(), 2.0f);
  EXPECT_FLOAT_EQ(img.max().item<float>(), 2.0f);  // the squares: (1 − 0.5)/0.25
  EXPECT_THROW(ds.image(23), std::out_of_range);
}

TEST(SyntheticDataset, PureFunctionOfSeedSplitAndIndex) {
  SyntheticDataset a(32, 4, 16, Split::Train, 1);
  SyntheticDataset b(32, 4, 16, Split::Train, 1);
  torch::Tensor a7 = a.image(7);
  torch::Tensor a3 = a.image(3);
  EXPECT_TRUE(torch::equal(b.image(3), a3));  // other order, same bytes
  EXPECT_TRUE(torch::equal(b.image(7), a7));
  EXPECT_FALSE(torch::equal(a.image(7), a.image(11)));  // same class, other image
  EXPECT_FALSE(torch::equal(SyntheticDataset(32, 4, 16, Split::Val, 1).image(7), a7));
  EXPECT_FALSE(torch::equal(SyntheticDataset(32, 4, 16, Split::Train, 2).image(7), a7));
}

TEST(SyntheticDataset, ClassesDifferInStructure) {
  // Class c has c+1 squares: the bright area and the mean grow with the class.
  SyntheticDataset ds(64, 4, 64, Split::Train, 5);
  std::vector<double> bright(4, 0), mean(4, 0);
  for (size_t i = 0; i < ds.size(); ++i) {
    torch::Tensor img = ds.image(i)[0];
    bright[static_cast<size_t>(ds.label(i))] += (img > 1.9f).sum().item<int64_t>();
    mean[static_cast<size_t>(ds.label(i))] += img.mean().item<double>();
  }
  const double square = 8 * 8;
  EXPECT_NEAR(bright[0] / 16, square, 1e-9);  // one square, never overlapped
  for (int c = 1; c < 4; ++c) {
    EXPECT_GT(bright[c], bright[c - 1]) << c;
    EXPECT_GT(mean[c], mean[c - 1]) << c;
    EXPECT_LE(bright[c] / 16, (c + 1) * square);
  }
}

TEST(SyntheticDataset, TinyAndOddSizesWork) {
  SyntheticDataset ds(5, 3, 3, Split::Val, 0);
  EXPECT_EQ(ds.square_side(), 1);
  EXPECT_EQ(ds.image(2).sizes(), (std::vector<int64_t>{3, 5, 5}));
}

}  // namespace
}  // namespace pgd::data
