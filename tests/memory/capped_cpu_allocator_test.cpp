#include <gtest/gtest.h>

#include <torch/torch.h>

#include <c10/core/CPUAllocator.h>

#include <cstdlib>
#include <thread>
#include <vector>

#include "harness/memory/capped_cpu_allocator.h"
#include "harness/memory/memory_cap.h"

namespace pgd::memory {
namespace {

constexpr uint64_t kKiB = uint64_t{1} << 10;
constexpr uint64_t kMiB = uint64_t{1} << 20;

// A float tensor of exactly `bytes` bytes (a multiple of 4).
torch::Tensor tensor_of(uint64_t bytes) {
  return torch::empty({static_cast<int64_t>(bytes / 4)}, torch::kFloat);
}

// Lifts the cap even when a test fails halfway.
struct CapGuard {
  explicit CapGuard(std::optional<uint64_t> cap) { CappedCpuAllocator::install().set_cap(cap); }
  ~CapGuard() { CappedCpuAllocator::install().set_cap(std::nullopt); }
};

TEST(CappedCpuAllocator, InstallsOnceAsTheCpuAllocator) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  EXPECT_EQ(&CappedCpuAllocator::install(), &allocator);
  EXPECT_EQ(c10::GetCPUAllocator(), &allocator);
  EXPECT_NE(allocator.inner(), &allocator);
  EXPECT_NE(allocator.raw_deleter(), nullptr);
}

TEST(CappedCpuAllocator, CountsTensorBytesUntilFreed) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  {
    torch::Tensor t = tensor_of(kMiB);
    EXPECT_EQ(allocator.live_bytes(), start + kMiB);
  }
  EXPECT_EQ(allocator.live_bytes(), start);
}

TEST(CappedCpuAllocator, OverTheCapThrowsTypedErrorAndCountsNothing) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  CapGuard cap(start + kMiB);
  try {
    tensor_of(2 * kMiB);
    FAIL() << "allocation over the cap succeeded";
  } catch (const OutOfMemoryError& e) {
    EXPECT_EQ(e.requested, 2 * kMiB);
    EXPECT_EQ(e.live, start);
    EXPECT_EQ(e.cap, start + kMiB);
    EXPECT_NE(std::string(e.what()).find("requested 2.00 MiB"), std::string::npos) << e.what();
    EXPECT_TRUE(is_out_of_memory(e));
  }
  EXPECT_EQ(allocator.live_bytes(), start);
}

TEST(CappedCpuAllocator, AllocatesUnderTheCapAfterAThrow) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  CapGuard cap(start + kMiB);
  EXPECT_THROW(tensor_of(kMiB + 4), OutOfMemoryError);
  torch::Tensor fits = tensor_of(kMiB);  // exactly at the cap is allowed
  EXPECT_EQ(allocator.live_bytes(), start + kMiB);
  EXPECT_THROW(tensor_of(4), OutOfMemoryError);
}

TEST(CappedCpuAllocator, PeakOfAKnownPattern) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  allocator.reset_peak();
  {
    torch::Tensor a = tensor_of(8 * kMiB);
    torch::Tensor b = tensor_of(16 * kMiB);
  }
  torch::Tensor c = tensor_of(4 * kMiB);
  EXPECT_NEAR(static_cast<double>(allocator.peak_bytes() - start), static_cast<double>(24 * kMiB),
              static_cast<double>(4 * kKiB));
  EXPECT_EQ(allocator.live_bytes(), start + 4 * kMiB);
  allocator.reset_peak();
  EXPECT_EQ(allocator.peak_bytes(), allocator.live_bytes());
}

TEST(CappedCpuAllocator, ZeroSizeAllocationsWork) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  CapGuard cap(start);  // nothing more may be held, and nothing is asked for
  c10::DataPtr empty = allocator.allocate(0);
  EXPECT_EQ(empty.get(), nullptr);
  torch::Tensor t = torch::empty({0, 3}, torch::kFloat);
  EXPECT_EQ(t.numel(), 0);
  void* raw = c10::GetCPUAllocator()->raw_allocate(0);
  c10::GetCPUAllocator()->raw_deallocate(raw);
  EXPECT_EQ(allocator.live_bytes(), start);
}

TEST(CappedCpuAllocator, RawInterfaceCountsAndFrees) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  c10::Allocator* cpu = c10::GetCPUAllocator();
  void* raw = cpu->raw_allocate(1000);
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(raw) % 64, 0u);  // LibTorch's alignment is kept
  EXPECT_EQ(allocator.live_bytes(), start + 1000);
  cpu->raw_deallocate(raw);
  EXPECT_EQ(allocator.live_bytes(), start);
}

TEST(CappedCpuAllocator, FreesBlocksItDidNotCount) {
  // oneDNN frees through the current allocator, even blocks allocated before installation.
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  void* foreign = allocator.inner()->raw_allocate(256);
  allocator.raw_deleter()(foreign);
  EXPECT_EQ(allocator.live_bytes(), start);
}

TEST(CappedCpuAllocator, CopyDataCopies) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const char src[] = "patch";
  char dest[sizeof src] = {};
  allocator.copy_data(dest, src, sizeof src);
  EXPECT_STREQ(dest, "patch");
}

TEST(CappedCpuAllocator, ThreadsKeepExactAccounting) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  constexpr int kThreads = 8, kPerThread = 200;
  std::vector<std::vector<torch::Tensor>> kept(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &kept] {
      for (int i = 0; i < kPerThread; ++i) {
        torch::Tensor scratch = tensor_of(4 * (1 + (i * 7 + t) % 97));  // freed at once
        if (i % 2 == 0) kept[t].push_back(tensor_of(4 * (1 + i)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  uint64_t expected = 0;
  for (int i = 0; i < kPerThread; i += 2) expected += 4 * (1 + i);
  EXPECT_EQ(allocator.live_bytes(), start + kThreads * expected);
  kept.clear();
  EXPECT_EQ(allocator.live_bytes(), start);
}

TEST(CappedCpuAllocator, ThreadsNeverOvershootTheCap) {
  CappedCpuAllocator& allocator = CappedCpuAllocator::install();
  const uint64_t start = allocator.live_bytes();
  allocator.reset_peak();
  CapGuard cap(start + 64 * kKiB);
  std::vector<std::thread> threads;
  std::atomic<int> refused{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&refused] {
      std::vector<torch::Tensor> held;
      for (int i = 0; i < 64; ++i) {
        try {
          held.push_back(tensor_of(4 * kKiB));
        } catch (const OutOfMemoryError&) {
          ++refused;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GT(refused.load(), 0);
  EXPECT_LE(allocator.peak_bytes(), start + 64 * kKiB);
  EXPECT_EQ(allocator.live_bytes(), start);
}

}  // namespace
}  // namespace pgd::memory
