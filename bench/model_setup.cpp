#include "bench/model_setup.h"

#include <cstdio>

#include <torch/torch.h>

#include "bench/bench_support.h"
#include "harness/config/compose.h"
#include "harness/config/config_view.h"
#include "harness/memory/memory_cap.h"
#include "harness/spec/spec_reader.h"
#include "methods/backbones/flop_counter.h"

namespace pgd::bench {
namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

ModelCase make_case(const std::string& method, const BackboneChoice& backbone, int64_t side,
                    int64_t batch, int64_t patch, double fraction, bool heavy) {
  ModelCase c;
  c.method = method;
  c.backbone = backbone;
  c.side = side;
  c.batch = batch;
  c.patch = patch;
  c.fraction = fraction;
  c.heavy = heavy;
  return c;
}

}  // namespace

BackboneChoice mobilenetv2(double width) {
  BackboneChoice b;
  b.name = "mobilenetv2";
  b.width = width;
  b.label = width == 1.0 ? "mobilenetv2" : "mobilenetv2-" + number_text(width);
  return b;
}

BackboneChoice resnet50() { return BackboneChoice{"resnet50", "resnet50", 1.0}; }

std::string ModelCase::benchmark_name(const std::string& family) const {
  std::string name = join_name(
      {family, backbone.label, "side:" + std::to_string(side), "batch:" + std::to_string(batch)});
  if (method == "patchgd")
    name += "/patch:" + std::to_string(patch) + "/fs:" + number_text(fraction);
  return name;
}

std::vector<ModelCase> step_cases(const std::string& method) {
  // Default: small enough that every step family together takes a couple of minutes on 2 cores.
  // Batch 2, because the head's last BatchNorm sees a 1×1 map at these sides (GD: 256/32 = 8 →
  // 1 after three stride-2 layers; PatchGD: N = 8 → 1) and BatchNorm in train mode needs more
  // than one value per channel.
  std::vector<ModelCase> cases = {
      make_case(method, mobilenetv2(0.25), 256, 2, 32, 0.25, false),
      make_case(method, mobilenetv2(1.0), 256, 2, 32, 0.25, false),
      make_case(method, mobilenetv2(1.0), 512, 1, 32, 0.125, false),  // UltraMNIST's setting
  };
  if (!full_mode()) return cases;
  // Batch 1 (GD at high resolution fits no more), N = 16, f_s = 1/8.
  for (int64_t side : {1024, 2048})
    cases.push_back(make_case(method, mobilenetv2(1.0), side, 1, side / 16, 0.125, true));
  for (int64_t side : {512, 1024, 2048})
    cases.push_back(make_case(method, resnet50(), side, 1, side / 16, 0.125, true));
  return cases;
}

nlohmann::json case_config(const ModelCase& c) {
  std::vector<std::string> overrides = {
      "method=" + c.method,
      "backbone=" + c.backbone.name,
      "backbone.width=" + number_text(c.backbone.width),
      "dataset=synthetic",
      "dataset.image_size=" + std::to_string(c.side),
      "dataset.num_classes=" + std::to_string(kBenchClasses),
      "memory=none",
      "train.batch_size=" + std::to_string(c.batch),
  };
  if (c.method == "patchgd") {
    overrides.push_back("method.patch_size=" + std::to_string(c.patch));
    overrides.push_back("method.sampling_fraction=" + number_text(c.fraction));
  }
  for (const auto& o : c.overrides) overrides.push_back(o);
  for (auto& o : extra_overrides()) overrides.push_back(std::move(o));
  return config::compose_config(config::default_config_dir(), overrides);
}

methods::GradientDescent& BuiltModel::gd() {
  return dynamic_cast<methods::GradientDescent&>(*method);
}

methods::PatchGradientDescent& BuiltModel::patchgd() {
  return dynamic_cast<methods::PatchGradientDescent&>(*method);
}

double head_flops(const methods::LatentHeadOptions& o) {
  // Layer 1: 3×3 stride 1 pad 1 (D → C); layers 2..L: 3×3 stride 2 pad 1 (C → C); Linear.
  int64_t h = o.grid_h, w = o.grid_w;
  double macs = 9.0 * o.latent_dim * o.channels * h * w;
  for (int64_t i = 1; i < o.layers; ++i) {
    h = (h - 1) / 2 + 1;
    w = (w - 1) / 2 + 1;
    macs += 9.0 * o.channels * o.channels * h * w;
  }
  macs += static_cast<double>(o.channels) * h * w * o.num_classes;
  return 2.0 * macs;
}

double backbone_flops(const BackboneChoice& backbone, backbones::BackboneMode mode, int64_t out_dim,
                      int64_t height, int64_t width) {
  backbones::BackboneOptions options;
  options.name = backbone.name;
  options.width = backbone.width;
  options.mode = mode;
  options.num_classes = kBenchClasses;
  options.out_dim = out_dim > 0 ? out_dim : 256;
  return 2.0 * static_cast<double>(backbones::count_macs(options, height, width));
}

double patch_flops(BuiltModel& model) {
  const auto& s = model.patchgd().settings();
  const auto backbone = spec::read_method_options(config::ConfigView(model.config)).backbone;
  BackboneChoice b{"", backbone.name, backbone.width};
  return backbone_flops(b, backbones::BackboneMode::Encoder, s.latent_dim, s.patch_size,
                        s.patch_size);
}

BuiltModel build_model(const ModelCase& c) {
  BuiltModel m;
  m.config = case_config(c);
  methods::MethodContext ctx;
  ctx.num_classes = kBenchClasses;
  ctx.image_size = c.side;
  // A long epoch keeps the learning rate in its warm-up ramp: the schedule's value does not
  // change the cost of a step.
  ctx.steps_per_epoch = 1000;
  m.method = methods::make_method(spec::read_run_spec(m.config).method, ctx);

  auto gen = at::detail::createCPUGenerator(1234);
  if (c.make_batch)
    m.images = torch::randn({c.batch, 3, c.side, c.side}, gen, torch::kFloat);  // B×3×S×S
  m.labels = torch::randint(0, kBenchClasses, {c.batch}, gen, torch::kLong);  // B

  const double b = static_cast<double>(c.batch);
  if (c.method == "gd") {
    auto& gd = m.gd();
    const auto& head = gd.network()->head;
    double forward;
    if (head.is_empty()) {
      forward = backbone_flops(c.backbone, backbones::BackboneMode::Classifier, 0, c.side, c.side);
    } else {
      forward = backbone_flops(c.backbone, backbones::BackboneMode::FeatureMap, 0, c.side, c.side) +
                head_flops(head->options);
    }
    m.train_flops = b * 3.0 * forward;
    m.predict_flops = b * forward;
  } else {
    auto& pgd = m.patchgd();
    const auto& plan = pgd.plan();
    const double fp = patch_flops(m);
    const double h = head_flops(pgd.network()->head->options);
    const double fill = static_cast<double>(plan.positions) * fp;
    m.train_flops = b * (fill + static_cast<double>(plan.inner_steps) * 3.0 * (plan.k * fp + h));
    m.predict_flops = b * (fill + h);
  }
  return m;
}

void skip_with_exception(benchmark::State& state, const std::exception& e) {
  const std::string text =
      (memory::is_out_of_memory(e) ? "oom: " : "error: ") + std::string(e.what());
  // Backtraces of c10::Error run over many lines; the first line names the failure.
  const std::string first = text.substr(0, text.find('\n'));
  state.SkipWithError(first.c_str());
}

}  // namespace pgd::bench
