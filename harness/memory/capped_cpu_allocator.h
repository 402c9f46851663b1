#pragma once
// CappedCpuAllocator: LibTorch's CPU allocator, wrapped so that every CPU byte a run holds is
// counted (live and peak) and refused past `memory.cap` with a typed OutOfMemoryError.
//
// One instance per process, installed with c10::SetCPUAllocator at the highest priority; it is
// never uninstalled, because tensors it allocated may outlive any cap and must come back to it.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <c10/core/Allocator.h>

namespace pgd::memory {

class CappedCpuAllocator final : public c10::Allocator {
 public:
  // Installs the process-wide instance on first call (wrapping the CPU allocator current then)
  // and returns it; later calls return the same instance.
  static CappedCpuAllocator& install();

  CappedCpuAllocator(const CappedCpuAllocator&) = delete;
  CappedCpuAllocator& operator=(const CappedCpuAllocator&) = delete;

  // c10::Allocator. LibTorch 1.x declares `allocate` const, 2.3+ non-const: both overloads are
  // declared (without `override`, which one of them could not take) so either base compiles.
  c10::DataPtr allocate(std::size_t n) const;
  c10::DataPtr allocate(std::size_t n);
  // Same deleter for every block, and context == data: oneDNN's raw_allocate/raw_deallocate work.
  c10::DeleterFnPtr raw_deleter() const;
  // Pure virtual in LibTorch 2.x (used by Allocator::clone); a plain member in 1.x.
  void copy_data(void* dest, const void* src, std::size_t count) const;

  // nullopt: no cap (bytes are still counted).
  void set_cap(std::optional<uint64_t> cap_bytes);
  std::optional<uint64_t> cap() const;
  uint64_t live_bytes() const;
  uint64_t peak_bytes() const;  // highest live_bytes() since the last reset_peak()
  void reset_peak();            // peak := live

  // The allocator that was current before installation; blocks come from it.
  c10::Allocator* inner() const { return inner_; }

 private:
  explicit CappedCpuAllocator(c10::Allocator* inner);

  static void delete_block(void* data);  // the raw deleter; routes to the installed instance
  void release(void* data);

  void reserve(uint64_t n) const;  // counts n live bytes or throws OutOfMemoryError
  void unreserve(uint64_t n) const;
  void* allocate_block(std::size_t n) const;
  void free_block(void* data) const;

  c10::Allocator* inner_;
  c10::DeleterFnPtr inner_deleter_;  // nullptr: inner has no raw interface, use alloc_cpu

  static constexpr uint64_t kNoCap = UINT64_MAX;
  std::atomic<uint64_t> cap_{kNoCap};
  // mutable: c10::Allocator::allocate is const in LibTorch 1.x.
  mutable std::atomic<uint64_t> live_{0};
  mutable std::atomic<uint64_t> peak_{0};
  // Size of every live block, so the shared static deleter can give its bytes back.
  mutable std::mutex sizes_mutex_;
  mutable std::unordered_map<void*, uint64_t> sizes_;
};

}  // namespace pgd::memory
