// The CUDA side of MemoryCap: a cap that refuses for real, and peak accounting. These run only
// where LibTorch has CUDA and a device is present (the GPU box); elsewhere they are skipped.
#include <gtest/gtest.h>

#include <torch/cuda.h>
#include <torch/torch.h>

#include "harness/memory/memory_cap.h"

namespace pgd::memory {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
const c10::Device kCuda(c10::DeviceType::CUDA, 0);

torch::Tensor cuda_bytes(uint64_t bytes) {
  return torch::empty({static_cast<int64_t>(bytes / 4)},
                      torch::dtype(torch::kFloat32).device(kCuda));
}

class CudaMemoryCapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device in this build or machine";
  }
};

TEST_F(CudaMemoryCapTest, AllocationPastTheCapIsAnOutOfMemoryError) {
  MemoryCap cap(256 * kMiB, kCuda);
  try {
    auto t = cuda_bytes(512 * kMiB);
    FAIL() << "a 512 MiB tensor was allocated under a 256 MiB cap";
  } catch (const std::exception& e) {
    EXPECT_TRUE(is_out_of_memory(e)) << e.what();
  }
  // Under the cap still works after the refusal.
  EXPECT_NO_THROW(cuda_bytes(64 * kMiB));
}

TEST_F(CudaMemoryCapTest, CapIsLiftedWhenTheMemoryCapEnds) {
  { MemoryCap cap(128 * kMiB, kCuda); }
  MemoryCap none(std::nullopt, kCuda);
  EXPECT_NO_THROW(cuda_bytes(512 * kMiB));
}

TEST_F(CudaMemoryCapTest, PeakCountsALiveTensorAndResets) {
  MemoryCap cap(std::nullopt, kCuda);
  const uint64_t before = cap.live_bytes();
  {
    auto t = cuda_bytes(64 * kMiB);
    EXPECT_GE(cap.live_bytes(), before + 64 * kMiB);
  }
  EXPECT_GE(cap.peak_bytes(), before + 64 * kMiB);
  EXPECT_LT(cap.live_bytes(), before + 64 * kMiB);
  cap.reset_peak();
  EXPECT_LT(cap.peak_bytes(), before + 64 * kMiB);
}

}  // namespace
}  // namespace pgd::memory
