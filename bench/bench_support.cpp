#include "bench/bench_support.h"

#include <atomic>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include <time.h>

#include <torch/torch.h>
#include <torch/version.h>

#include "harness/memory/memory_cap.h"
#include "harness/store/provenance.h"

namespace pgd::bench {
namespace {

std::atomic<double> g_peak_flops{0.0};
std::atomic<double> g_peak_cpu_flops{0.0};

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : fallback;
}

}  // namespace

bool full_mode() {
  const std::string v = env_or("PATCHGD_BENCH_FULL", "");
  return !v.empty() && v != "0";
}

std::vector<std::string> extra_overrides() {
  std::istringstream words(env_or("PATCHGD_BENCH_OVERRIDES", ""));
  std::vector<std::string> out;
  for (std::string w; words >> w;) out.push_back(w);
  return out;
}

std::optional<uint64_t> safety_cap() {
  return memory::parse_bytes(env_or("PATCHGD_BENCH_MEM_CAP", "8GiB"));
}

void configure_threads() {
  const unsigned cores = std::thread::hardware_concurrency();
  int threads = cores > 0 ? static_cast<int>(cores) : 1;
  if (const std::string v = env_or("PATCHGD_BENCH_THREADS", ""); !v.empty()) threads = std::stoi(v);
  torch::set_num_threads(std::max(1, threads));
}

int torch_threads() { return torch::get_num_threads(); }

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

GemmPeak measure_gemm_peak(int64_t n, int reps) {
  torch::NoGradGuard no_grad;
  auto a = torch::randn({n, n});  // n×n float
  auto b = torch::randn({n, n});  // n×n float
  auto c = torch::mm(a, b);       // warm-up: first call pays for thread-pool start and packing
  const double flops = 2.0 * static_cast<double>(n) * n * n;
  GemmPeak best;
  for (int i = 0; i < reps; ++i) {
    WallTimer t;
    t.start();
    c = torch::mm(a, b);
    t.stop();
    if (t.seconds() > 0)
      best.flops_per_second = std::max(best.flops_per_second, flops / t.seconds());
    if (t.cpu_seconds() > 0)
      best.flops_per_cpu_second = std::max(best.flops_per_cpu_second, flops / t.cpu_seconds());
  }
  benchmark::DoNotOptimize(c.data_ptr<float>());
  return best;
}

GemmPeak peak() { return GemmPeak{g_peak_flops.load(), g_peak_cpu_flops.load()}; }
void set_peak(const GemmPeak& p) {
  g_peak_flops.store(p.flops_per_second);
  g_peak_cpu_flops.store(p.flops_per_cpu_second);
}

void add_provenance_context() {
  const auto prov = store::collect_provenance(PATCHGD_SOURCE_DIR);
  benchmark::AddCustomContext("patchgd_git_commit", prov.git_commit);
  benchmark::AddCustomContext("patchgd_git_dirty", prov.git_dirty ? "true" : "false");
  benchmark::AddCustomContext("patchgd_host", prov.host);
  benchmark::AddCustomContext("patchgd_cpu_model", prov.cpu_model);
  benchmark::AddCustomContext("patchgd_version", prov.patchgd_version);
  benchmark::AddCustomContext("torch_version", TORCH_VERSION);
  benchmark::AddCustomContext("torch_threads", std::to_string(torch_threads()));
  benchmark::AddCustomContext("patchgd_bench_mode", full_mode() ? "full" : "default");
  benchmark::AddCustomContext("patchgd_bench_overrides", env_or("PATCHGD_BENCH_OVERRIDES", ""));
  benchmark::AddCustomContext("peak_gflops", std::to_string(peak().flops_per_second / 1e9));
  benchmark::AddCustomContext("peak_gflops_per_cpu_second",
                              std::to_string(peak().flops_per_cpu_second / 1e9));
}

void report_compute(benchmark::State& state, double flops_per_iteration, const WallTimer& timer) {
  const double iters = static_cast<double>(state.iterations());
  state.counters["gflop"] = flops_per_iteration / 1e9;
  if (timer.seconds() <= 0 || iters <= 0 || flops_per_iteration <= 0) return;
  state.counters["gflops"] = flops_per_iteration * iters / timer.seconds() / 1e9;
  const GemmPeak p = peak();
  if (p.flops_per_second > 0)
    state.counters["floor_ratio"] =
        (timer.seconds() / iters) / (flops_per_iteration / p.flops_per_second);
  if (p.flops_per_cpu_second > 0 && timer.cpu_seconds() > 0)
    state.counters["cpu_floor_ratio"] =
        (timer.cpu_seconds() / iters) / (flops_per_iteration / p.flops_per_cpu_second);
}

void report_memory(benchmark::State& state, uint64_t peak_bytes, uint64_t base_bytes) {
  using benchmark::Counter;
  state.counters["peak_bytes"] =
      Counter(static_cast<double>(peak_bytes), Counter::kDefaults, Counter::kIs1024);
  state.counters["base_bytes"] =
      Counter(static_cast<double>(base_bytes), Counter::kDefaults, Counter::kIs1024);
}

TempDir::TempDir(const std::string& prefix) {
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / (prefix + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("TempDir: cannot create a directory under " + base.string());
}

TempDir::~TempDir() {
  std::error_code ec;  // a destructor must not throw; a leftover temp dir is harmless
  std::filesystem::remove_all(path_, ec);
}

std::string join_name(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

}  // namespace pgd::bench
