#include "harness/runner/batch_size_search.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/memory/memory_cap.h"

namespace pgd::runner {
namespace {

// A probe that "fits" up to `limit` images and records what was tried.
struct FakeProbe {
  int64_t limit;
  std::vector<int64_t> tried;
  void operator()(int64_t b) {
    tried.push_back(b);
    if (b > limit) throw memory::OutOfMemoryError("fake oom", 0, 0, 0);
  }
};

TEST(LargestFittingBatch, FindsTheExactLimit) {
  for (int64_t limit : {1, 2, 3, 5, 8, 13, 31, 32, 33, 100}) {
    FakeProbe p{limit, {}};
    EXPECT_EQ(largest_fitting_batch(256, std::ref(p)), limit) << "limit " << limit;
    // Backoff + bisection: logarithmic in the limit, never a linear scan.
    EXPECT_LE(p.tried.size(), 20u);
  }
}

TEST(LargestFittingBatch, RespectsTheUpperBound) {
  FakeProbe p{1000, {}};
  EXPECT_EQ(largest_fitting_batch(24, std::ref(p)), 24);
  for (int64_t b : p.tried) EXPECT_LE(b, 24);
}

TEST(LargestFittingBatch, ZeroWhenNothingFits) {
  FakeProbe p{0, {}};
  EXPECT_EQ(largest_fitting_batch(64, std::ref(p)), 0);
  EXPECT_EQ(p.tried, std::vector<int64_t>{1});
}

TEST(LargestFittingBatch, StartsAtTheLowerBound) {
  FakeProbe p{5, {}};
  EXPECT_EQ(largest_fitting_batch(64, std::ref(p), 2), 5);
  for (int64_t b : p.tried) EXPECT_GE(b, 2);
  FakeProbe none{1, {}};
  EXPECT_EQ(largest_fitting_batch(64, std::ref(none), 2), 0);
}

TEST(LargestFittingBatch, OtherErrorsPropagate) {
  EXPECT_THROW(largest_fitting_batch(8, [](int64_t) { throw std::logic_error("bad data"); }),
               std::logic_error);
}

}  // namespace
}  // namespace pgd::runner
