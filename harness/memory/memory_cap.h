#pragma once
// MemoryCap: enforce `memory.cap` for real and measure peak memory.
// CPU: a capping allocator (c10::SetCPUAllocator) counts live and peak bytes and throws
// OutOfMemoryError past the cap. CUDA: the caching allocator's per-process fraction.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <c10/core/Device.h>

namespace pgd::memory {

struct OutOfMemoryError : std::runtime_error {
  OutOfMemoryError(const std::string& what, uint64_t requested, uint64_t live, uint64_t cap)
      : std::runtime_error(what), requested(requested), live(live), cap(cap) {}
  uint64_t requested, live, cap;
};

// "none" → nullopt; "4GB", "512MB", "1.5GiB", "123456" → bytes. GB = GiB = 2^30 (as GPU
// memory is quoted). Throws std::invalid_argument naming the text.
std::optional<uint64_t> parse_bytes(const std::string& text);
std::string format_bytes(uint64_t bytes);  // "1.50 GiB"

// Installs the capping CPU allocator once per process (idempotent); later caps only change limits.
void install_capping_cpu_allocator();

// Process-wide CPU accounting of the capping allocator (installs it if need be): bytes held now,
// and the most held since the last MemoryCap on the CPU was made or reset its peak.
uint64_t cpu_live_bytes();
uint64_t cpu_peak_bytes();

// RAII: sets the cap on `device` for its lifetime, resets the peak on entry, lifts the cap on exit.
// CPU: the capping allocator's cap (a MemoryCap made inside another restores the outer cap on
// exit); live and peak count every CPU tensor allocated since installation, not only this run's,
// and the peak is one per process (an inner MemoryCap resets it for the outer one too).
// CUDA: the caching allocator's memory fraction, cap / total device memory (it limits reserved
// memory, cached blocks included); peak from its allocated-bytes statistics. Other devices throw
// std::invalid_argument.
class MemoryCap {
 public:
  MemoryCap(std::optional<uint64_t> cap_bytes, c10::Device device);
  ~MemoryCap();
  MemoryCap(const MemoryCap&) = delete;
  MemoryCap& operator=(const MemoryCap&) = delete;

  uint64_t live_bytes() const;
  uint64_t peak_bytes() const;  // since construction or the last reset_peak()
  void reset_peak();
  std::optional<uint64_t> cap() const { return cap_; }

 private:
  std::optional<uint64_t> cap_;
  c10::Device device_;
  std::optional<uint64_t> previous_cpu_cap_;  // restored on exit (CPU only)
};

// True when `e` is an out-of-memory error of ours or of LibTorch's (CUDA OOM, bad_alloc).
bool is_out_of_memory(const std::exception& e);

}  // namespace pgd::memory
