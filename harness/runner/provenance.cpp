#include "harness/runner/provenance.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include "harness/runner/thread_count.h"
#include "harness/store/provenance.h"

#ifdef PATCHGD_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#endif

namespace pgd::runner {

store::Provenance current_provenance(int64_t threads) {
  store::Provenance p = store::collect_provenance(PATCHGD_SOURCE_DIR);
  p.torch_version = TORCH_VERSION;
  p.threads = resolve_thread_count(threads);
#ifdef PATCHGD_WITH_CUDA
  if (torch::cuda::is_available()) {
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) p.gpu_name = prop.name;
  }
#endif
  return p;
}

}  // namespace pgd::runner
