// `threads: 0` means the CPUs this process may use: a Slurm task's allocation, not the node.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness/runner/thread_count.h"

namespace pgd::runner {
namespace {

struct EnvGuard {
  explicit EnvGuard(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) saved_ = v, had_ = true;
  }
  ~EnvGuard() { had_ ? ::setenv(name_, saved_.c_str(), 1) : ::unsetenv(name_); }
  const char* name_;
  std::string saved_;
  bool had_ = false;
};

TEST(ThreadCount, SlurmAllocationWinsOverTheMachine) {
  EnvGuard g("SLURM_CPUS_PER_TASK");
  ::setenv("SLURM_CPUS_PER_TASK", "3", 1);
  EXPECT_EQ(available_cpus(), 3);
  EXPECT_EQ(resolve_thread_count(0), 3);
  EXPECT_EQ(resolve_thread_count(5), 5);  // an explicit setting is kept
}

TEST(ThreadCount, WithoutSlurmTheAffinityMaskCounts) {
  EnvGuard g("SLURM_CPUS_PER_TASK");
  ::unsetenv("SLURM_CPUS_PER_TASK");
  const int64_t n = available_cpus();
  EXPECT_GE(n, 1);
  ::setenv("SLURM_CPUS_PER_TASK", "zero", 1);  // not a count: ignored, not a crash
  EXPECT_EQ(available_cpus(), n);
  ::setenv("SLURM_CPUS_PER_TASK", "0", 1);
  EXPECT_EQ(available_cpus(), n);
}

}  // namespace
}  // namespace pgd::runner
