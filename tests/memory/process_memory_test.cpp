// Resident memory beside the cap: buffers outside LibTorch's allocator show in the peak RSS, and
// resetting the high-water mark forgets an earlier peak.
#include "harness/memory/process_memory.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace pgd::memory {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

TEST(ProcessMemory, PeakRssSeesAPlainBufferAndResetForgetsIt) {
  // Containers may refuse clear_refs; the peak then counts from the start and this cannot run.
  if (!reset_peak_resident()) GTEST_SKIP() << "/proc/self/clear_refs refused";
  const uint64_t before = peak_resident_bytes();
  ASSERT_GT(before, 0u);
  {
    constexpr size_t kBytes = 256 * kMiB;
    auto buffer = std::make_unique<char[]>(kBytes);
    std::memset(buffer.get(), 1, kBytes);  // touched, so resident
    EXPECT_GE(resident_bytes(), before + 200 * kMiB);
    EXPECT_GE(peak_resident_bytes(), before + 200 * kMiB);
  }
  ASSERT_TRUE(reset_peak_resident());
  EXPECT_LT(peak_resident_bytes(), before + 100 * kMiB);
}

// An earlier run's freed heap that malloc keeps (here pinned by a few live blocks, so it cannot
// shrink the heap's top) must not become the next run's floor.
TEST(ProcessMemory, ResetReturnsFreedHeapBeforeRestartingThePeak) {
  if (!reset_peak_resident()) GTEST_SKIP() << "/proc/self/clear_refs refused";
  const uint64_t before = resident_bytes();
  constexpr size_t kBlock = 1024, kBlocks = 256 * 1024;  // 256 MiB in small heap blocks
  std::vector<char*> blocks(kBlocks);
  for (auto& b : blocks) {
    b = static_cast<char*>(std::malloc(kBlock));
    std::memset(b, 1, kBlock);
  }
  for (size_t i = 0; i < kBlocks; ++i)
    if (i % 256 != 0) {  // one block in 256 stays: the heap cannot shrink
      std::free(blocks[i]);
      blocks[i] = nullptr;
    }
  ASSERT_TRUE(reset_peak_resident());
  EXPECT_LT(peak_resident_bytes(), before + 100 * kMiB);
  for (char* b : blocks) std::free(b);
}

}  // namespace
}  // namespace pgd::memory
