#include "methods/patch_grid.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace pgd::methods {
namespace {

int64_t tolerant_ceil(double x) { return static_cast<int64_t>(std::ceil(x - 1e-9)); }

// encodings (B·k)×D → B×D×k, the layout of Z's flattened grid dimension.
torch::Tensor as_grid_columns(const torch::Tensor& encodings, int64_t batch, int64_t k,
                              int64_t latent_dim) {
  TORCH_CHECK(
      encodings.dim() == 2 && encodings.size(0) == batch * k && encodings.size(1) == latent_dim,
      "write_encodings: expected encodings of shape ", batch * k, "×", latent_dim, ", got ",
      encodings.sizes());
  return encodings.view({batch, k, latent_dim}).transpose(1, 2);
}

// images B×C×S×S seen as B×N×N×C×p×p: a view. Its two grid dims cannot be merged without a
// copy (their strides are p²N and p), so callers index them as (row, column) pairs.
torch::Tensor patch_grid_view(const torch::Tensor& images, int64_t p, const char* caller) {
  TORCH_CHECK(images.dim() == 4 && images.size(2) == images.size(3), caller,
              ": expected B×C×S×S images, got ", images.sizes());
  TORCH_CHECK(p >= 1 && images.size(2) % p == 0, caller, ": patch size ", p,
              " does not divide the image side ", images.size(2));
  const int64_t b = images.size(0), c = images.size(1), n = images.size(2) / p;
  return images.contiguous().view({b, c, n, p, n, p}).permute({0, 2, 4, 1, 3, 5});
}

}  // namespace

SamplingPlan make_sampling_plan(int64_t positions, double fraction, int64_t accum_steps) {
  if (positions < 1) throw std::invalid_argument("make_sampling_plan: no patch positions");
  if (!(fraction > 0.0 && fraction <= 1.0))
    throw std::invalid_argument("make_sampling_plan: sampling fraction " +
                                std::to_string(fraction) + " is outside (0, 1]");
  if (accum_steps < 0)
    throw std::invalid_argument("make_sampling_plan: negative gradient-accumulation steps");
  SamplingPlan plan;
  plan.positions = positions;
  plan.k = std::min(positions, std::max<int64_t>(1, tolerant_ceil(positions * fraction)));
  plan.zeta = std::max<int64_t>(1, tolerant_ceil(1.0 / fraction));
  plan.inner_steps = std::min(plan.zeta, (positions + plan.k - 1) / plan.k);
  plan.epsilon = accum_steps == 0 ? plan.zeta : accum_steps;
  return plan;
}

std::vector<torch::Tensor> split_positions(const torch::Tensor& order, int64_t k) {
  TORCH_CHECK(order.dim() == 1 && k >= 1, "split_positions: expected a 1-D order and k >= 1");
  std::vector<torch::Tensor> chunks;
  for (int64_t start = 0; start < order.size(0); start += k)
    chunks.push_back(order.narrow(0, start, std::min(k, order.size(0) - start)));
  return chunks;
}

torch::Tensor gather_patches(const torch::Tensor& images, const torch::Tensor& positions,
                             int64_t patch_size) {
  auto grid = patch_grid_view(images, patch_size, "gather_patches");
  const int64_t n = grid.size(1), k = positions.size(0);
  auto rows = torch::div(positions, n, "floor");
  auto cols = torch::remainder(positions, n);
  using torch::indexing::Slice;
  auto picked = grid.index({Slice(), rows, cols});  // B×k×C×p×p, a fresh tensor
  return picked.reshape({grid.size(0) * k, grid.size(3), patch_size, patch_size});
}

torch::Tensor gather_patch_rows(const torch::Tensor& images, const torch::Tensor& positions,
                                int64_t patch_size, int64_t start, int64_t count) {
  auto grid = patch_grid_view(images, patch_size, "gather_patch_rows");
  const int64_t b = grid.size(0), n = grid.size(1), k = positions.size(0);
  TORCH_CHECK(start >= 0 && count >= 1 && start + count <= b * k, "gather_patch_rows: rows ", start,
              "..", start + count, " are outside the ", b * k, " rows of B·k patches");
  // Row r is image r / k's patch at positions[r % k].
  auto row = torch::arange(start, start + count,
                           torch::TensorOptions().dtype(torch::kLong).device(images.device()));
  auto position = positions.index_select(0, torch::remainder(row, k));
  auto rows = torch::div(position, n, "floor");
  auto cols = torch::remainder(position, n);
  return grid.index({torch::div(row, k, "floor"), rows, cols})
      .reshape({count, grid.size(3), patch_size, patch_size});
}

torch::Tensor write_encodings(const torch::Tensor& z, const torch::Tensor& positions,
                              const torch::Tensor& encodings) {
  TORCH_CHECK(z.dim() == 4 && z.size(2) == z.size(3), "write_encodings: expected B×D×N×N, got ",
              z.sizes());
  const int64_t b = z.size(0), d = z.size(1), n = z.size(2), k = positions.size(0);
  auto cols = as_grid_columns(encodings, b, k, d);
  return z.reshape({b, d, n * n}).index_copy(2, positions, cols).view({b, d, n, n});
}

void write_encodings_(torch::Tensor& z, const torch::Tensor& positions,
                      const torch::Tensor& encodings) {
  TORCH_CHECK(z.dim() == 4 && z.size(2) == z.size(3) && z.is_contiguous(),
              "write_encodings_: expected a contiguous B×D×N×N map, got ", z.sizes());
  const int64_t b = z.size(0), d = z.size(1), n = z.size(2), k = positions.size(0);
  auto cols = as_grid_columns(encodings, b, k, d);
  z.view({b, d, n * n}).index_copy_(2, positions, cols);
}

}  // namespace pgd::methods
