#pragma once
// The process's resident memory, beside the cap's count of LibTorch's allocations: what the cap
// cannot see (decoded slide tiles, OpenSlide's and libtiff's buffers, images in the loader,
// shared libraries) shows here. Linux (/proc/self); elsewhere the functions return 0 / false.
#include <cstdint>

namespace pgd::memory {

uint64_t resident_bytes();       // VmRSS now
uint64_t peak_resident_bytes();  // VmHWM: the most resident since start or the last reset
// Returns the allocator's free memory to the system (malloc_trim), then restarts the high-water
// mark at the current RSS (writes 5 to /proc/self/clear_refs, Linux 4.0 and later). False where
// that is refused; the peak then counts from the process's start.
bool reset_peak_resident();

// Makes glibc serve every block from its heap and keep freed heap for reuse. By default a
// block above malloc's mmap threshold (128 KiB, rising to at most 32 MiB) is mapped on
// allocation and unmapped on free, so every training step maps, faults in and zeroes its
// activations again: at 32768² a third of the CPU time went to the kernel (1122 s system of
// 2913 s, 173 million minor faults). With no mmap'd blocks (M_MMAP_MAX 0: a 50 MiB activation
// is above what M_MMAP_THRESHOLD may be raised to) a freed activation is reused by the next
// step's, and free heap is trimmed only past 1 GiB or by reset_peak_resident. glibc still maps
// memory when the heap cannot grow. Process-wide and idempotent; false where glibc refused.
bool keep_freed_heap_for_reuse();

}  // namespace pgd::memory
