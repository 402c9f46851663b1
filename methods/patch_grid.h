#pragma once
// Patch bookkeeping for PatchGD: the sampling plan (k, ζ, ε), cutting the patches at a set of
// grid positions out of a batch without copying whole images, and writing their encodings
// into the latent map Z. Positions are row-major grid indices r·N + c.
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace pgd::methods {

struct SamplingPlan {
  int64_t positions = 0;    // N²
  int64_t k = 0;            // positions re-encoded per inner iteration: ⌈N²·f_s⌉
  int64_t zeta = 0;         // ζ = ⌈1/f_s⌉
  int64_t inner_steps = 0;  // inner iterations actually run: min(ζ, ⌈N²/k⌉) (see below)
  int64_t epsilon = 0;      // optimizer step every ε inner iterations (ε = ζ when asked 0)
};

// fraction in (0, 1]; accum_steps >= 0 (0 = ζ, the reference's default).
// The ceilings are taken with a 1e-9 tolerance, so that e.g. 100·0.07 (= 7.000000000000001 in
// floating point) gives k = 7, not 8. A permutation in chunks of k has ⌈N²/k⌉ ≤ ζ chunks; the
// reference loops over those chunks and stops after ζ, so when there are fewer chunks than ζ
// (tiny grids) only ⌈N²/k⌉ inner iterations run.
SamplingPlan make_sampling_plan(int64_t positions, double fraction, int64_t accum_steps);

// Consecutive pieces of `order` (1-D int64), each of `k` entries except perhaps the last.
std::vector<torch::Tensor> split_positions(const torch::Tensor& order, int64_t k);

// images: B×C×S×S float with S = N·p; positions: k int64 on images' device.
// Returns (B·k)×C×p×p, image-major: row b·k + j is image b's patch at positions[j].
// The image is seen as B×N×N×C×p×p through a view and only the k patches are gathered.
torch::Tensor gather_patches(const torch::Tensor& images, const torch::Tensor& positions,
                             int64_t patch_size);

// Rows [start, start + count) of gather_patches(images, positions, patch_size), gathering only
// those patches (PatchGD's chunked encoding: memory follows the chunk, not B·k).
torch::Tensor gather_patch_rows(const torch::Tensor& images, const torch::Tensor& positions,
                                int64_t patch_size, int64_t start, int64_t count);

// z: B×D×N×N float (contiguous); positions: k int64; encodings: (B·k)×D image-major (as
// gather_patches orders them). Returns a new map with those positions replaced, differentiable
// with respect to `encodings` (out of place, so earlier maps in the graph stay intact).
torch::Tensor write_encodings(const torch::Tensor& z, const torch::Tensor& positions,
                              const torch::Tensor& encodings);

// The same, in place, for maps outside autograd (filling Z without gradients).
void write_encodings_(torch::Tensor& z, const torch::Tensor& positions,
                      const torch::Tensor& encodings);

}  // namespace pgd::methods
