#include "harness/runner/thread_count.h"

#include <sched.h>

#include <cstdlib>
#include <string>
#include <thread>

namespace pgd::runner {
namespace {

// A positive integer from the environment, or 0 when unset or not a positive integer.
int64_t env_count(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  return (*end == '\0' && n > 0) ? static_cast<int64_t>(n) : 0;
}

int64_t affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  return CPU_COUNT(&set);
}

}  // namespace

int64_t available_cpus() {
  if (const int64_t slurm = env_count("SLURM_CPUS_PER_TASK")) return slurm;
  if (const int64_t mask = affinity_cpus()) return mask;
  return std::max<int64_t>(1, std::thread::hardware_concurrency());
}

int64_t resolve_thread_count(int64_t configured) {
  return configured > 0 ? configured : available_cpus();
}

}  // namespace pgd::runner
