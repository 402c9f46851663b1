#pragma once
// The CUDA side of MemoryCap: LibTorch's caching allocator, capped through its per-process
// memory fraction and measured through its statistics. Without CUDA in LibTorch every function
// throws std::invalid_argument naming the device.
#include <cstdint>
#include <optional>

#include <c10/core/Device.h>

namespace pgd::memory {

// Releases cached blocks, resets the peak, and limits the caching allocator on `device` to
// cap_bytes / total device memory (nullopt or a cap above the total: no limit).
void cuda_set_cap(std::optional<uint64_t> cap_bytes, c10::Device device);
uint64_t cuda_live_bytes(c10::Device device);  // bytes held by live tensors
uint64_t cuda_peak_bytes(c10::Device device);  // highest live bytes since the last reset
void cuda_reset_peak(c10::Device device);

}  // namespace pgd::memory
