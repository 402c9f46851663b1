#include "methods/patch_source.h"

#include <torch/torch.h>

#include "methods/patch_grid.h"

namespace pgd::methods {

TensorPatchSource::TensorPatchSource(const torch::Tensor& images, torch::Device device)
    : images_(images.to(device, torch::kFloat).contiguous()) {
  TORCH_CHECK(images_.dim() == 4 && images_.size(2) == images_.size(3) && images_.size(0) > 0,
              "TensorPatchSource: expected B×C×S×S images, got ", images_.sizes());
}

torch::Tensor TensorPatchSource::patch_rows(const torch::Tensor& positions, int64_t patch_size,
                                            int64_t start, int64_t count,
                                            torch::Device device) const {
  const auto where = positions.to(images_.device());
  // The whole matrix in one gather, as the method always did; a slice gathers only its rows.
  auto rows = start == 0 && count == batch() * positions.size(0)
                  ? gather_patches(images_, where, patch_size)
                  : gather_patch_rows(images_, where, patch_size, start, count);
  return rows.to(device);
}

}  // namespace pgd::methods
