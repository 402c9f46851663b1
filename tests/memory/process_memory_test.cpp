// Resident memory beside the cap: buffers outside LibTorch's allocator show in the peak RSS, and
// resetting the high-water mark forgets an earlier peak.
#include "harness/memory/process_memory.h"

#include <gtest/gtest.h>

#include <malloc.h>

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

// Bytes malloc holds in mmap'd blocks (given back to the system on free).
size_t mmapped_bytes() { return mallinfo2().hblkhd; }

// malloc through a volatile pointer: a malloc/free pair with nothing between may be elided.
void* touched_block(size_t bytes) {
  void* p = std::malloc(bytes);
  static_cast<volatile char*>(p)[0] = 1;
  return p;
}

// A 48 MiB block, about a 4×48×256×256 activation (MobileNetV2 ×0.25 on four 512² patches):
// mapped afresh per allocation by default (each step faulting and zeroing it again), from the
// reusable heap once freed heap is kept.
TEST(ProcessMemory, KeptHeapServesActivationSizedBlocksWithoutMapping) {
  constexpr size_t kBytes = 48 * kMiB;
  ASSERT_EQ(mallopt(M_MMAP_MAX, 65536), 1);  // glibc's defaults
  ASSERT_EQ(mallopt(M_MMAP_THRESHOLD, 128 * 1024), 1);
  const size_t mapped = mmapped_bytes();
  void* a = touched_block(kBytes);
  EXPECT_GE(mmapped_bytes(), mapped + kBytes);  // the default: a mapping of its own
  std::free(a);

  ASSERT_TRUE(keep_freed_heap_for_reuse());
  ASSERT_TRUE(keep_freed_heap_for_reuse());  // idempotent
  void* b = touched_block(kBytes);
  EXPECT_EQ(mmapped_bytes(), mapped);  // from the heap
  std::free(b);
  EXPECT_EQ(mmapped_bytes(), mapped);
}

}  // namespace
}  // namespace pgd::memory
