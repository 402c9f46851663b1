#pragma once
// Provenance of this process for the run records: git state, host and CPU (from the store's
// collector) plus what only a LibTorch-linked part knows: its version, threads and GPU.
#include "harness/store/result_store.h"

namespace pgd::runner {

store::Provenance current_provenance(int64_t threads);

}  // namespace pgd::runner
