#include "harness/memory/cuda_memory.h"

#include <stdexcept>
#include <string>

#ifdef PATCHGD_WITH_CUDA
#include <ATen/ATen.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace pgd::memory {

#ifdef PATCHGD_WITH_CUDA
namespace {

namespace caching = c10::cuda::CUDACachingAllocator;

// StatType::AGGREGATE (all pools together) is index 0 in every release; the enum itself moved
// from c10::cuda::CUDACachingAllocator to c10::CachingDeviceAllocator in 2.5.
constexpr std::size_t kAggregate = 0;

c10::DeviceIndex index_of(c10::Device device) {
  if (!device.is_cuda()) {
    throw std::invalid_argument("memory: expected a CUDA device, got " + device.str());
  }
  return device.has_index() ? device.index() : c10::cuda::current_device();
}

uint64_t total_memory(c10::DeviceIndex index) {
  c10::cuda::CUDAGuard guard(index);
  size_t free_bytes = 0, total = 0;
  C10_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total));
  return total;
}

// The caching allocator sizes its per-device tables when CUDA is first used; one tiny tensor
// makes sure that has happened before the fraction is set.
void ensure_initialized(c10::DeviceIndex index) {
  at::empty({1}, at::TensorOptions().device(c10::Device(c10::DeviceType::CUDA, index)));
}

}  // namespace

void cuda_set_cap(std::optional<uint64_t> cap_bytes, c10::Device device) {
  const c10::DeviceIndex index = index_of(device);
  ensure_initialized(index);
  // Cached blocks of an earlier run would otherwise count against this run's fraction.
  caching::emptyCache();
  double fraction = 1.0;
  if (cap_bytes) {
    fraction = static_cast<double>(*cap_bytes) / static_cast<double>(total_memory(index));
    if (fraction > 1.0) fraction = 1.0;
  }
  caching::setMemoryFraction(fraction, index);
  caching::resetPeakStats(index);
}

uint64_t cuda_live_bytes(c10::Device device) {
  const auto stats = caching::getDeviceStats(index_of(device));
  return static_cast<uint64_t>(stats.allocated_bytes[kAggregate].current);
}

uint64_t cuda_peak_bytes(c10::Device device) {
  const auto stats = caching::getDeviceStats(index_of(device));
  return static_cast<uint64_t>(stats.allocated_bytes[kAggregate].peak);
}

void cuda_reset_peak(c10::Device device) { caching::resetPeakStats(index_of(device)); }

#else  // LibTorch without CUDA

namespace {
[[noreturn]] void no_cuda(c10::Device device) {
  throw std::invalid_argument("memory: device " + device.str() +
                              " needs LibTorch with CUDA; this build has none");
}
}  // namespace

void cuda_set_cap(std::optional<uint64_t>, c10::Device device) { no_cuda(device); }
uint64_t cuda_live_bytes(c10::Device device) { no_cuda(device); }
uint64_t cuda_peak_bytes(c10::Device device) { no_cuda(device); }
void cuda_reset_peak(c10::Device device) { no_cuda(device); }

#endif

}  // namespace pgd::memory
