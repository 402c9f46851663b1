#include "datasets/batch_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include <torch/torch.h>

namespace pgd::data {
namespace {

using ::testing::HasSubstr;

// Image i is filled with the value i; label = i % 3. Optionally fails at one index, sleeps per
// sample or returns a wrongly shaped image, and counts the images made.
class FakeDataset : public Dataset {
 public:
  explicit FakeDataset(size_t n) : n_(n) {}
  size_t size() const override { return n_; }
  int64_t num_classes() const override { return 3; }
  int64_t image_size() const override { return 4; }
  int64_t label(size_t i) const override { return static_cast<int64_t>(i % 3); }
  std::string sample_id(size_t i) const override { return "fake/" + std::to_string(i); }
  torch::Tensor image(size_t i) const override {
    if (delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    made++;
    if (static_cast<int64_t>(i) == fail_at)
      throw DataError("fake sample " + std::to_string(i) + " is broken");
    if (static_cast<int64_t>(i) == bad_shape_at) return torch::zeros({3, 5, 5});
    return torch::full({3, 4, 4}, static_cast<float>(i));
  }
  int64_t fail_at = -1;
  int64_t bad_shape_at = -1;
  int delay_ms = 0;
  mutable std::atomic<int> made{0};

 private:
  size_t n_;
};

std::vector<size_t> epoch_order(BatchLoader& loader, int64_t epoch) {
  loader.start_epoch(epoch);
  std::vector<size_t> order;
  while (auto batch = loader.next())
    order.insert(order.end(), batch->indices.begin(), batch->indices.end());
  return order;
}

TEST(BatchLoader, InOrderBatchesWithAPartialLastOne) {
  FakeDataset ds(10);
  BatchLoader loader(ds, {/*batch_size=*/4});
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  loader.start_epoch(0);
  std::vector<int64_t> sizes;
  size_t expected_index = 0;
  while (auto batch = loader.next()) {
    const int64_t b = batch->images.size(0);
    sizes.push_back(b);
    ASSERT_EQ(batch->images.sizes(), (std::vector<int64_t>{b, 3, 4, 4}));
    ASSERT_EQ(batch->labels.sizes(), (std::vector<int64_t>{b}));
    EXPECT_EQ(batch->labels.scalar_type(), torch::kInt64);
    for (int64_t k = 0; k < b; ++k, ++expected_index) {
      EXPECT_EQ(batch->indices[k], expected_index);
      EXPECT_EQ(batch->images[k][2][3][1].item<float>(), static_cast<float>(expected_index));
      EXPECT_EQ(batch->labels[k].item<int64_t>(), static_cast<int64_t>(expected_index % 3));
    }
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{4, 4, 2}));
  EXPECT_FALSE(loader.next().has_value());  // stays at the end
}

TEST(BatchLoader, DropLastAndMaxBatches) {
  FakeDataset ds(10);
  LoaderOptions opt;
  opt.batch_size = 4;
  opt.drop_last = true;
  BatchLoader dropped(ds, opt);
  EXPECT_EQ(dropped.batches_per_epoch(), 2);
  EXPECT_EQ(epoch_order(dropped, 0).size(), 8u);
  opt.drop_last = false;
  opt.max_batches = 2;
  opt.batch_size = 3;
  BatchLoader capped(ds, opt);
  EXPECT_EQ(capped.batches_per_epoch(), 2);
  EXPECT_EQ(epoch_order(capped, 0), (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(ds.made.load(), 8 + 6);  // nothing past the cap was made
}

TEST(BatchLoader, ShuffleIsAPermutationPerEpochDeterministicBySeed) {
  FakeDataset ds(50);
  LoaderOptions opt;
  opt.batch_size = 7;
  opt.shuffle = true;
  opt.seed = 11;
  BatchLoader a(ds, opt), b(ds, opt);
  auto a0 = epoch_order(a, 0), a1 = epoch_order(a, 1);
  std::vector<size_t> identity(50);
  for (size_t i = 0; i < 50; ++i) identity[i] = i;
  for (const auto& order : {a0, a1}) {
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, identity);  // every index once per epoch
  }
  EXPECT_NE(a0, identity);
  EXPECT_NE(a0, a1);
  EXPECT_EQ(epoch_order(b, 1), a1);  // the same (seed, epoch), the same order
  EXPECT_EQ(epoch_order(b, 0), a0);
  opt.seed = 12;
  BatchLoader c(ds, opt);
  EXPECT_NE(epoch_order(c, 0), a0);
}

TEST(BatchLoader, PrefetchesTheNextBatchWhileTheCurrentOneIsUsed) {
  FakeDataset ds(12);
  BatchLoader loader(ds, {/*batch_size=*/3});
  loader.start_epoch(0);
  auto first = loader.next();
  ASSERT_TRUE(first);
  // Without another call, the worker makes batch 1 (and nothing beyond it).
  for (int tries = 0; tries < 500 && ds.made.load() < 6; ++tries)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(ds.made.load(), 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(ds.made.load(), 6);  // one batch ahead only
}

TEST(BatchLoader, WorkerErrorsAreRethrownFromNext) {
  FakeDataset ds(10);
  ds.fail_at = 5;
  BatchLoader loader(ds, {/*batch_size=*/2});
  loader.start_epoch(0);
  EXPECT_TRUE(loader.next());  // 0, 1
  EXPECT_TRUE(loader.next());  // 2, 3
  try {
    loader.next();  // 4, 5
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("fake sample 5"));
  }
  EXPECT_FALSE(loader.next().has_value());  // the epoch ended at the error
  ds.fail_at = -1;
  EXPECT_EQ(epoch_order(loader, 1).size(), 10u);  // a new epoch starts cleanly
}

TEST(BatchLoader, WronglyShapedImagesNameTheSample) {
  FakeDataset ds(4);
  ds.bad_shape_at = 2;
  BatchLoader loader(ds, {/*batch_size=*/4});
  loader.start_epoch(0);
  try {
    loader.next();
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("fake/2"));
  }
}

// Streaming needs a dataset that serves slides (PANDA with dataset.stream); any other names the
// sample instead of handing the method an empty batch.
TEST(BatchLoader, StreamingADatasetWithoutSlidesNamesTheSample) {
  FakeDataset ds(4);
  EXPECT_THROW(
      {
        try {
          stream_window(ds, 3);
        } catch (const DataError& e) {
          EXPECT_THAT(e.what(), HasSubstr("'fake/3'"));
          EXPECT_THAT(e.what(), HasSubstr("no slide to stream"));
          throw;
        }
      },
      DataError);
  LoaderOptions o;
  o.batch_size = 2;
  o.stream = true;
  BatchLoader loader(ds, o);
  loader.start_epoch(0);
  try {
    loader.next();
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'fake/0'"));
  }
  EXPECT_EQ(ds.made.load(), 0);  // no image was made in its place
}

TEST(BatchLoader, DestroyedMidEpochWithoutHanging) {
  FakeDataset ds(1000);
  ds.delay_ms = 1;
  {
    BatchLoader loader(ds, {/*batch_size=*/100});
    loader.start_epoch(0);
    // Gone while batch 0 is being made: the worker stops at the next sample.
  }
  EXPECT_LE(ds.made.load(), 100);  // at most the batch in flight
  {
    BatchLoader loader(ds, {/*batch_size=*/5});
    loader.start_epoch(0);
    EXPECT_TRUE(loader.next());
    loader.start_epoch(1);  // restarting mid-epoch is fine too
    EXPECT_EQ(loader.next()->indices.front(), 0u);
  }
}

TEST(BatchLoader, MisuseIsReported) {
  FakeDataset ds(3);
  BatchLoader loader(ds, {/*batch_size=*/2});
  EXPECT_THROW(loader.next(), std::logic_error);
  EXPECT_THROW(BatchLoader(ds, {/*batch_size=*/0}), std::invalid_argument);
  FakeDataset empty(0);
  BatchLoader none(empty, {/*batch_size=*/2});
  EXPECT_EQ(none.batches_per_epoch(), 0);
  none.start_epoch(0);
  EXPECT_FALSE(none.next().has_value());
}

}  // namespace
}  // namespace pgd::data
