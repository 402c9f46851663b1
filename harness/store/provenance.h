#pragma once
// Where a run is made: the source tree's git state and this machine. The store records it with
// every run (Hydra/MLflow-style provenance) so a number in a table can be traced to its code.
#include <filesystem>
#include <string>

#include "harness/store/result_store.h"

namespace pgd::store {

// Fills git_commit (`git -C source_dir rev-parse HEAD`; empty when not a repository or git is
// missing), git_dirty (`git status --porcelain` prints anything), host, cpu_model (/proc/cpuinfo)
// and patchgd_version (PATCHGD_VERSION). torch_version, threads and gpu_name are left for the
// caller, which links LibTorch. Never throws for a missing git or /proc: those fields stay empty.
Provenance collect_provenance(const std::filesystem::path& source_dir);

// "host:pid": names the process that claimed a run (runs.owner).
std::string process_owner();

// This machine's host name; "" when unavailable.
std::string host_name();

// The CPU's model name from /proc/cpuinfo (x86 "model name", else ARM "Processor"/"Hardware");
// "" when there is none.
std::string cpu_model_name();

}  // namespace pgd::store
