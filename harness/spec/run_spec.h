#pragma once
// RunSpec: one run as plain typed data, read once from the resolved config (spec_reader.h).
// Everything below the reader (runner, methods, datasets) takes these fields, never key strings.
#include <cstdint>
#include <optional>
#include <string>

#include "datasets/dataset_options.h"
#include "methods/method_options.h"

namespace pgd::spec {

// A batch setting that is either a number or `auto` (searched under the memory cap).
struct BatchSetting {
  bool automatic = false;
  int64_t value = 0;  // meaningful when !automatic
};

enum class DeviceKind { Cpu, Cuda };

struct TrainSpec {
  int64_t epochs = 1;
  BatchSetting batch_size;
  BatchSetting micro_batch;              // GD: images per forward/backward (0 = the whole batch)
  int64_t auto_batch_max = 256;          // upper bound of the batch search
  int64_t max_batches_per_epoch = 0;     // 0 = all
  std::optional<std::string> init_from;  // warm start (weights only)
  std::optional<std::string> checkpoint_dir;  // resumable checkpoints
};

struct EvalSpec {
  int64_t batch_size = 0;  // 0 = the training batch
  int64_t every_epochs = 1;
  int64_t bn_recalibration = 0;  // training batches for precise BatchNorm before each evaluation
};

struct MeasureSpec {
  bool latency = true;
  int64_t warmup_steps = 1;
  int64_t steps = 3;  // median of this many timed steps
};

struct RunSpec {
  DeviceKind device = DeviceKind::Cpu;
  int64_t threads = 0;  // 0 = every core
  int64_t seed = 42;
  std::optional<uint64_t> memory_cap;  // bytes; nullopt = no cap
  methods::MethodOptions method;       // micro_batch is 0 while train.micro_batch is auto,
                                       // gd.input_size 0 while method.input_size is auto
  BatchSetting gd_input_size;          // GD's method.input_size: a side (0 = the image's) or auto
  data::DatasetOptions dataset;
  TrainSpec train;
  EvalSpec eval;
  MeasureSpec measure;
};

}  // namespace pgd::spec
