// Resident memory beside the cap: buffers outside LibTorch's allocator show in the peak RSS, and
// resetting the high-water mark forgets an earlier peak.
#include "harness/memory/process_memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

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

}  // namespace
}  // namespace pgd::memory
