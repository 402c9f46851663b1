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

}  // namespace pgd::memory
