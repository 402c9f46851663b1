#include "harness/memory/memory_cap.h"

#include "harness/memory/capped_cpu_allocator.h"
#include "harness/memory/cuda_memory.h"

namespace pgd::memory {
namespace {

void check_supported(c10::Device device) {
  if (!device.is_cpu() && !device.is_cuda()) {
    throw std::invalid_argument("memory.cap: device " + device.str() +
                                " is not supported (cpu or cuda)");
  }
}

}  // namespace

void install_capping_cpu_allocator() { CappedCpuAllocator::install(); }

uint64_t cpu_live_bytes() { return CappedCpuAllocator::install().live_bytes(); }
uint64_t cpu_peak_bytes() { return CappedCpuAllocator::install().peak_bytes(); }

MemoryCap::MemoryCap(std::optional<uint64_t> cap_bytes, c10::Device device)
    : cap_(cap_bytes), device_(device) {
  check_supported(device_);
  if (device_.is_cpu()) {
    CappedCpuAllocator& allocator = CappedCpuAllocator::install();
    previous_cpu_cap_ = allocator.cap();
    allocator.set_cap(cap_);
    allocator.reset_peak();
  } else {
    cuda_set_cap(cap_, device_);
  }
}

MemoryCap::~MemoryCap() {
  if (device_.is_cpu()) {
    CappedCpuAllocator::install().set_cap(previous_cpu_cap_);
    return;
  }
  // A destructor must not throw; a CUDA error here leaves the fraction as it was, which the
  // next MemoryCap on this device overwrites anyway.
  try {
    cuda_set_cap(std::nullopt, device_);
  } catch (...) {
  }
}

uint64_t MemoryCap::live_bytes() const {
  return device_.is_cpu() ? CappedCpuAllocator::install().live_bytes() : cuda_live_bytes(device_);
}

uint64_t MemoryCap::peak_bytes() const {
  return device_.is_cpu() ? CappedCpuAllocator::install().peak_bytes() : cuda_peak_bytes(device_);
}

void MemoryCap::reset_peak() {
  if (device_.is_cpu()) {
    CappedCpuAllocator::install().reset_peak();
  } else {
    cuda_reset_peak(device_);
  }
}

}  // namespace pgd::memory
