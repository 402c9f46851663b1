#pragma once
// How many threads a run gets when its config says `threads: 0` (the default): the CPUs this
// process may use, not the machine's. Under Slurm that is the allocation (SLURM_CPUS_PER_TASK),
// elsewhere the affinity mask (taskset, cgroups, container limits), else every core.
#include <cstdint>

namespace pgd::runner {

// CPUs available to this process, at least 1.
int64_t available_cpus();

// `configured` when > 0, otherwise available_cpus().
int64_t resolve_thread_count(int64_t configured);

}  // namespace pgd::runner
