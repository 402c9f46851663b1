#pragma once
// Patch Gradient Descent (arXiv 2301.13817, Algorithms 1 and 2, as the reference code runs them;
// see shared/PAPER.md). The backbone encodes p×p patches to D-vectors that fill a latent map
// Z (B×D×N×N, N = S/p); the latent head classifies Z. Each batch: fill Z without gradients, then
// ζ inner iterations each re-encode k positions with gradients, run the head, and backpropagate;
// the optimizer steps every ε inner iterations.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "methods/forward_replay.h"
#include "methods/network.h"
#include "methods/patch_grid.h"
#include "methods/patch_source.h"

namespace pgd::methods {

// What one batch did, for tests and diagnostics (filled only when tracing is on).
struct PatchGdTrace {
  std::vector<std::vector<int64_t>> fill_positions;   // per fill chunk
  std::vector<std::vector<int64_t>> inner_positions;  // re-encoded per inner iteration
  std::vector<int64_t> steps_after;  // inner iterations (1-based) followed by an optimizer step
  int64_t optimizer_steps = 0;
};

// The method's settings derived for one image side.
struct PatchGdSettings {
  int64_t patch_size = 0;     // p
  int64_t grid = 0;           // N = S/p
  int64_t latent_dim = 0;     // D (the head's latent_dim)
  SamplingPlan plan;          // k, ζ, ε from the sampling fraction and grad_accum_steps
  bool fill_bn_train = true;  // BatchNorm mode while filling Z: train (reference) | eval
  int64_t eval_chunk = 0;     // positions per encoder call at inference, 0 = k
  int64_t inner_chunk = 0;    // patches per backbone call in training, 0 = B·k at once
};
// image_size: S. Throws std::invalid_argument for a patch size that does not divide S or a
// sampling fraction outside (0, 1] (the config reader rejects both earlier, naming the key).
PatchGdSettings make_patchgd_settings(const MethodOptions& options, int64_t image_size);

class PatchGradientDescent : public NetworkMethod {
 public:
  // Reads options.patchgd, head, backbone, optimizer, schedule, freeze_bn, memory_format, seed.
  // Throws as make_patchgd_settings for settings that do not fit ctx.image_size.
  PatchGradientDescent(const MethodOptions& options, const MethodContext& ctx);

  std::string name() const override { return "patchgd"; }
  // images: B×3×S×S float; labels: B int64. Fill, inner loop with its optimizer steps, one
  // schedule step. loss/correct are the last inner iteration's (loss not divided by ε).
  TrainStepResult train_batch(const torch::Tensor& images, const torch::Tensor& labels) override;
  // images: B×3×S×S float → logits B×classes on the CPU: eval mode, Z filled with every patch
  // in chunks of method.eval_chunk positions (0 = k), no gradients.
  torch::Tensor predict(const torch::Tensor& images) override;

  // The fill and the inner loop without any optimizer step or schedule step: zeroes the
  // gradients once, then every inner iteration adds the gradient of its loss/ε. With ζ = 1
  // this is the gradient of CE(head(Z)) with Z encoded from every patch.
  TrainStepResult accumulate_gradients(const torch::Tensor& images, const torch::Tensor& labels);

  // The same three from any patch source (slides streamed window by window): source.side()
  // must be S. train_batch(images, …) is train_patches(TensorPatchSource(images), …).
  bool can_stream() const override { return true; }
  TrainStepResult train_patches(const PatchSource& source, const torch::Tensor& labels) override;
  torch::Tensor predict_patches(const PatchSource& source) override;
  TrainStepResult accumulate_gradients(const PatchSource& source, const torch::Tensor& labels);

  const PatchGdSettings& settings() const { return settings_; }
  const SamplingPlan& plan() const { return settings_.plan; }

  // Tracing records the positions and steps of each later batch (reset per batch).
  void set_trace_enabled(bool on) { trace_enabled_ = on; }
  const PatchGdTrace& last_trace() const { return trace_; }

 protected:
  // Z filled from every patch in chunks of k, backbone BatchNorm in train mode (whatever
  // fill_bn_mode says, so the backbone's statistics are recomputed too), then the head on Z.
  // Grid order, so the sampling generator is not drawn from.
  void calibration_forward(const torch::Tensor& images) override;

 private:
  PatchGradientDescent(const MethodOptions& options, const MethodContext& ctx,
                       const PatchGdSettings& settings);
  // Z from every patch in grid order, chunks of `chunk` positions → B×D×N×N (a fresh tensor).
  torch::Tensor encode_all(const PatchSource& source, int64_t chunk);
  TrainStepResult run_batch(const PatchSource& source, const torch::Tensor& labels, bool update);
  // Algorithm 2: every position in a random order, chunks of k, no gradients → the Z buffer
  // B×D×N×N filled.
  void fill_latent(const PatchSource& source);
  // source.side() == S, else c10::Error naming `caller` and both sides.
  void check_side(const PatchSource& source, const char* caller) const;
  // The Z buffer resized (reallocated only when B or the device changes) and zeroed.
  torch::Tensor& latent_buffer(int64_t batch);
  // order: N² int64 on the CPU, a fresh permutation from the method's generator
  torch::Tensor permutation();
  // A fresh permutation on the device, in chunks of k (views of one tensor).
  std::vector<torch::Tensor> shuffled_chunks();
  // positions: k int64 on the device → (B·k)×D, in calls of at most inner_chunk patches when
  // that is set.
  torch::Tensor encode(const PatchSource& source, const torch::Tensor& positions);
  // Rows [start, start + count) of encode's result, in one backbone call.
  torch::Tensor encode_rows(const PatchSource& source, const torch::Tensor& positions,
                            int64_t start, int64_t count);
  // Tells `source` the reads that encoding the first `count` position chunks will make, in order.
  // replayed: the chunked inner step reads a chunk's rows twice (first pass, then the replay).
  void plan_encodes(const PatchSource& source, const std::vector<torch::Tensor>& chunks,
                    size_t count, bool replayed) const;
  // True when B·k rows are encoded in more than one backbone call (method.inner_chunk).
  bool is_chunked(int64_t rows) const { return row_chunks(rows).size() > 1; }
  // The row ranges encode splits B·k patches into: (start, count) pairs of inner_chunk rows, a
  // last single row joined to the chunk before.
  std::vector<std::pair<int64_t, int64_t>> row_chunks(int64_t rows) const;
  // The chunked inner step's first pass: encode's result computed without a graph, with the
  // generator state before each chunk in `rngs`, for the replay.
  torch::Tensor encode_for_replay(const PatchSource& source, const torch::Tensor& positions,
                                  std::vector<RngSnapshot>& rngs);
  // Its second pass: each chunk re-encoded with gradients (same random draws, BatchNorm running
  // statistics left as the first pass set them) and backpropagated with its rows of
  // `grad` ((B·k)×D, dLoss/d(encodings)).
  void backpropagate_chunks(const PatchSource& source, const torch::Tensor& positions,
                            const torch::Tensor& grad, const std::vector<RngSnapshot>& rngs);

  PatchGdSettings settings_;
  torch::Tensor z_buffer_;  // B×D×N×N, reused across batches of one size

  bool trace_enabled_ = false;
  PatchGdTrace trace_;
};

}  // namespace pgd::methods
