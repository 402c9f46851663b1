#pragma once
// What every benchmark file shares: the run mode (default vs PATCHGD_BENCH_FULL=1), the
// machine's measured GEMM peak, provenance in the JSON context, wall timing, the compute and
// memory counters, and temporary directories.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace pgd::bench {

// True when PATCHGD_BENCH_FULL is set to anything but "" or "0": the heavy cases (1024²-4096²,
// ResNet50) are registered too. Read at registration time, before main.
bool full_mode();
// Config overrides applied to every model case (PATCHGD_BENCH_OVERRIDES, split at spaces), e.g.
// "memory_format=channels_last threads=1": the cases' layout or settings without a rebuild.
std::vector<std::string> extra_overrides();

// Safety cap on the CPU bytes of every model case, so that a step too large for the machine (GD
// at 4096², ResNet50 GD at 2048² on 2 images) becomes an "oom: ..." skipped case instead of
// taking a shared machine down: PATCHGD_BENCH_MEM_CAP ("8GiB", "12GB", "none"); default 8 GiB.
std::optional<uint64_t> safety_cap();

// LibTorch defaults to one intra-op thread here; benchmarks use every core, or
// PATCHGD_BENCH_THREADS when set (1 gives steadier numbers on a machine shared with other jobs:
// a parallel region waits for its slowest thread, and a preempted thread stalls it).
void configure_threads();
int torch_threads();

// Adds git commit / dirty flag, host, CPU model, torch version, threads, the run mode and the
// measured peak to the benchmark JSON's context block.
void add_provenance_context();

// CPU seconds used by every thread of this process so far.
double process_cpu_seconds();

// Wall-clock and process-CPU seconds of the timed loop body, kept beside the framework's own
// timer so that the compute counters use the same interval whether or not a case pauses the
// framework's timer.
class WallTimer {
 public:
  void start() {
    t0_ = std::chrono::steady_clock::now();
    cpu0_ = process_cpu_seconds();
  }
  void stop() {
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    cpu_seconds_ += process_cpu_seconds() - cpu0_;
  }
  double seconds() const { return seconds_; }
  double cpu_seconds() const { return cpu_seconds_; }

 private:
  std::chrono::steady_clock::time_point t0_;
  double cpu0_ = 0;
  double seconds_ = 0;
  double cpu_seconds_ = 0;
};

// The GEMM reference: FLOPs per wall second and per process-CPU second.
struct GemmPeak {
  double flops_per_second = 0;
  double flops_per_cpu_second = 0;
};

// A square float32 torch::mm of side n: the best of `reps` timed runs after a warm-up.
GemmPeak measure_gemm_peak(int64_t n, int reps);

// The machine's peak used for the FLOP floor (measured once in main with a 2048³ GEMM; the wall
// figure may be given by PATCHGD_BENCH_PEAK_GFLOPS). Zeros before it is set.
GemmPeak peak();
void set_peak(const GemmPeak& peak);

// Sets `gflop` (per iteration), `gflops` (achieved GFLOP/s over the wall time), `floor_ratio`
// (wall time / FLOP floor, the floor being the FLOPs at the measured GEMM peak: 1.0 would run
// every counted FLOP at GEMM speed) and `cpu_floor_ratio` (the same in process-CPU seconds
// against the GEMM's FLOPs per CPU second). On a machine shared with other jobs the wall ratio
// includes the time the process waited for a core; with PATCHGD_BENCH_THREADS=1 the CPU ratio
// does not, which makes it the steadier of the two there.
void report_compute(benchmark::State& state, double flops_per_iteration, const WallTimer& timer);

// Sets `peak_bytes` (highest CPU bytes held during the case, from the capping allocator) and
// `base_bytes` (held when the case started timing: model, optimizer state, inputs).
void report_memory(benchmark::State& state, uint64_t peak_bytes, uint64_t base_bytes);

// A fresh directory under the system temp folder, removed with everything in it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Registration names: "BM_Family/part/part" joined with '/'.
std::string join_name(std::initializer_list<std::string> parts);

}  // namespace pgd::bench
