#pragma once
// Where PatchGD's patches come from. The method asks for rows of a batch's (B·k)×C×p×p patch
// matrix (image-major: row b·k + j is image b's patch at positions[j], as gather_patches orders
// them) and never needs a whole image, so a batch held in memory and slides read window by
// window (harness/runner/slide_patch_source.h) go through one code path in the method.
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace pgd::methods {

// One read the method is about to make: rows [start, start + count) of the patch matrix of
// `positions` (as patch_rows takes them).
struct PatchRead {
  torch::Tensor positions;
  int64_t patch_size = 0;
  int64_t start = 0;
  int64_t count = 0;
};

class PatchSource {
 public:
  virtual ~PatchSource() = default;
  // The reads the method will make next, in order: a hint, so a source that reads from disk can
  // read ahead while the method computes. Replaces any earlier plan; every read still goes
  // through patch_rows, and a read off the plan is simply served directly.
  virtual void plan_reads(std::vector<PatchRead> reads) const {}
  virtual int64_t batch() const = 0;  // B
  virtual int64_t side() const = 0;   // S: the images are S×S
  // Rows [start, start + count) of the patch matrix of `positions` (k int64 grid indices r·N + c,
  // N = S / patch_size, on any device): count×C×p×p float on `device`.
  virtual torch::Tensor patch_rows(const torch::Tensor& positions, int64_t patch_size,
                                   int64_t start, int64_t count, torch::Device device) const = 0;
};

// A batch in memory: B×C×S×S (moved to `device` as float and made contiguous once, so each
// gather views the batch without copying it).
class TensorPatchSource final : public PatchSource {
 public:
  TensorPatchSource(const torch::Tensor& images, torch::Device device);
  int64_t batch() const override { return images_.size(0); }
  int64_t side() const override { return images_.size(2); }
  torch::Tensor patch_rows(const torch::Tensor& positions, int64_t patch_size, int64_t start,
                           int64_t count, torch::Device device) const override;
  const torch::Tensor& images() const { return images_; }

 private:
  torch::Tensor images_;
};

}  // namespace pgd::methods
