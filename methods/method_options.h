#pragma once
// The typed settings a Method is built from. The harness reads them from the resolved config,
// checks every key once and fills these structs; nothing under methods/ reads YAML or JSON.
#include <cstdint>
#include <optional>
#include <string>

namespace pgd::methods {

enum class MethodKind { Gd, PatchGd };
const char* method_name(MethodKind kind);  // "gd" | "patchgd"

// The layout of convolution weights and inputs; Auto = NHWC on the CPU, NCHW on CUDA.
enum class MemoryFormatChoice { Auto, Contiguous, ChannelsLast };

// GD's classifier: the PatchGD latent head over the final feature map (the paper's appendix),
// or the backbone's own pooled fully connected layer.
enum class GdClassifier { Head, Pooled };

// GD's activation checkpointing: none, one recomputed segment per backbone stage, or per block
// (backbones::SegmentGranularity).
enum class GdCheckpoint { Off, Stages, Blocks };

struct BackboneSpec {
  std::string name;                    // resnet18 | resnet34 | resnet50 | mobilenetv2
  double width = 1.0;                  // channel multiplier
  std::optional<std::string> weights;  // TorchScript file with torchvision-named tensors
};

// The latent head's shape; its input width, grid and classes come from the method.
struct HeadSpec {
  int64_t layers = 0;
  int64_t channels = 0;
  double dropout = 0;      // Dropout2d p in [0, 1)
  int64_t latent_dim = 0;  // D: PatchGD's patch-encoding width
};

struct OptimizerSettings {
  double lr = 1e-3;         // backbone group (0 freezes it)
  double head_lr = 1e-3;    // head group
  double weight_decay = 0;  // Adam's L2 term (as torch.optim.Adam), both groups
};

// The per-batch linear warm-up/decay of the reference code, in epochs.
struct ScheduleSettings {
  int64_t epochs = 1;
  int64_t warmup_epochs = 0;
  int64_t decay_epochs = 0;  // 0: decay ends at 2·epochs (the reference)
};

struct PatchGdOptions {
  int64_t patch_size = 0;        // p; must divide the image side
  double sampling_fraction = 0;  // f_s in (0, 1]
  int64_t grad_accum_steps = 0;  // ε; 0 = ζ (one optimizer step per batch)
  bool fill_bn_train = true;     // BatchNorm mode while filling Z: train (reference) or eval
  int64_t eval_chunk = 0;        // positions per encoder call at inference; 0 = k
  // Patches per backbone call in training (the fill and the inner step's re-encoding), 0 = all
  // B·k of an inner iteration at once. When set, the inner step encodes its patches chunk by
  // chunk without a graph, runs the head forward and backward once for dL/dZ at the k positions,
  // then recomputes each chunk with gradients and backpropagates its slice, so memory follows
  // the chunk, not B·k.
  int64_t inner_chunk = 0;
};

// GD only.
struct GdOptions {
  GdCheckpoint checkpoint = GdCheckpoint::Off;
  int64_t input_size = 0;  // side each image is area-resized to before the backbone; 0 = as is
};

struct MethodOptions {
  MethodKind kind = MethodKind::PatchGd;
  BackboneSpec backbone;
  HeadSpec head;
  OptimizerSettings optimizer;
  ScheduleSettings schedule;
  MemoryFormatChoice memory_format = MemoryFormatChoice::Auto;
  bool freeze_bn = false;  // backbone BatchNorm kept in eval mode while training
  uint64_t seed = 0;       // the method's own generator (PatchGD's patch orders)
  GdClassifier classifier = GdClassifier::Head;  // GD only
  int64_t micro_batch = 0;  // GD: images per forward/backward, 0 = the whole batch
  GdOptions gd;             // GD only
  PatchGdOptions patchgd;   // PatchGD only
};

}  // namespace pgd::methods
