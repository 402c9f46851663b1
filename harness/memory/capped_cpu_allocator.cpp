#include "harness/memory/capped_cpu_allocator.h"

#include <cstring>
#include <limits>
#include <mutex>
#include <new>

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include "harness/memory/memory_cap.h"

namespace pgd::memory {
namespace {

// The installed instance; its deleter is a plain function pointer, so it finds state here.
// Deliberately leaked: tensors freed during static destruction must still find it.
std::atomic<CappedCpuAllocator*> g_installed{nullptr};

std::string over_cap_message(uint64_t requested, uint64_t live, uint64_t cap) {
  return "out of memory under memory.cap: requested " + format_bytes(requested) + " with " +
         format_bytes(live) + " live, cap " + format_bytes(cap);
}

}  // namespace

CappedCpuAllocator& CappedCpuAllocator::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto* allocator = new CappedCpuAllocator(c10::GetCPUAllocator());
    g_installed.store(allocator);
    // Highest priority: the default allocator registers at 0, and nothing may replace ours
    // while tensors it counted are alive.
    c10::SetCPUAllocator(allocator, std::numeric_limits<uint8_t>::max());
  });
  return *g_installed.load();
}

CappedCpuAllocator::CappedCpuAllocator(c10::Allocator* inner)
    : inner_(inner), inner_deleter_(inner ? inner->raw_deleter() : nullptr) {}

c10::DataPtr CappedCpuAllocator::allocate(std::size_t n) const {
  const c10::Device cpu(c10::DeviceType::CPU);
  if (n == 0) return {nullptr, nullptr, &delete_block, cpu};  // as LibTorch's: no block, no bytes
  reserve(n);
  void* data = nullptr;
  try {
    data = allocate_block(n);
    std::lock_guard<std::mutex> lock(sizes_mutex_);
    sizes_.emplace(data, n);
  } catch (...) {
    if (data) free_block(data);
    unreserve(n);
    throw;
  }
  return {data, data, &delete_block, cpu};
}

c10::DataPtr CappedCpuAllocator::allocate(std::size_t n) {
  return static_cast<const CappedCpuAllocator&>(*this).allocate(n);
}

c10::DeleterFnPtr CappedCpuAllocator::raw_deleter() const { return &delete_block; }

void CappedCpuAllocator::copy_data(void* dest, const void* src, std::size_t count) const {
  if (count > 0) std::memcpy(dest, src, count);
}

void CappedCpuAllocator::set_cap(std::optional<uint64_t> cap_bytes) {
  cap_.store(cap_bytes ? *cap_bytes : kNoCap);
}

std::optional<uint64_t> CappedCpuAllocator::cap() const {
  const uint64_t cap = cap_.load();
  if (cap == kNoCap) return std::nullopt;
  return cap;
}

uint64_t CappedCpuAllocator::live_bytes() const { return live_.load(); }
uint64_t CappedCpuAllocator::peak_bytes() const { return peak_.load(); }
void CappedCpuAllocator::reset_peak() { peak_.store(live_.load()); }

void CappedCpuAllocator::delete_block(void* data) {
  if (!data) return;  // zero-size allocations hand out no block
  g_installed.load()->release(data);
}

void CappedCpuAllocator::release(void* data) {
  uint64_t size = 0;
  bool ours = false;
  {
    std::lock_guard<std::mutex> lock(sizes_mutex_);
    auto it = sizes_.find(data);
    if (it != sizes_.end()) {
      size = it->second;
      ours = true;
      sizes_.erase(it);
    }
  }
  // A block not in the table came from the inner allocator's raw interface before we were
  // installed (oneDNN frees through whatever allocator is current): hand it back uncounted.
  if (ours) unreserve(size);
  free_block(data);
}

void CappedCpuAllocator::reserve(uint64_t n) const {
  // Compare-and-swap so that concurrent allocations can never overshoot the cap together.
  uint64_t live = live_.load();
  uint64_t next = 0;
  do {
    const uint64_t cap = cap_.load();
    if (n > cap || live > cap - n) {
      throw OutOfMemoryError(over_cap_message(n, live, cap), n, live, cap);
    }
    next = live + n;
  } while (!live_.compare_exchange_weak(live, next));
  uint64_t peak = peak_.load();
  while (next > peak && !peak_.compare_exchange_weak(peak, next)) {
  }
}

void CappedCpuAllocator::unreserve(uint64_t n) const { live_.fetch_sub(n); }

void* CappedCpuAllocator::allocate_block(std::size_t n) const {
  void* data = inner_deleter_ ? inner_->raw_allocate(n) : c10::alloc_cpu(n);
  if (!data) throw std::bad_alloc();
  return data;
}

void CappedCpuAllocator::free_block(void* data) const {
  if (inner_deleter_) {
    inner_deleter_(data);
  } else {
    c10::free_cpu(data);
  }
}

}  // namespace pgd::memory
