// read_method_options: the method, backbone, head and optimizer keys.
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "harness/spec/spec_reader.h"

namespace pgd::spec {
namespace {

using config::ConfigView;
using methods::MethodOptions;

methods::BackboneSpec read_backbone(const ConfigView& b) {
  methods::BackboneSpec s;
  s.name = b.get_choice("name", {"resnet18", "resnet34", "resnet50", "mobilenetv2"});
  s.width = b.get_double_in("width", 0.0, 8.0, /*lo_open=*/true);
  if (!b.is_null("weights")) {
    s.weights = b.get_string("weights");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*s.weights, ec))
      b.fail("weights",
             "null or an existing TorchScript file of torchvision-named tensors "
             "(no file '" +
                 *s.weights + "')");
  }
  return s;
}

methods::HeadSpec read_head(const ConfigView& h) {
  methods::HeadSpec s;
  s.layers = h.get_int_in("layers", 1, 12);
  s.channels = h.get_int_in("channels", 1, 1 << 14);
  s.latent_dim = h.get_int_in("latent_dim", 1, 1 << 14);
  // Dropout2d takes p in [0, 1); 1 would zero every map.
  s.dropout = h.get_double_in("dropout", 0.0, 0.999);
  return s;
}

// lr = 0 freezes its group (a linear probe: head_lr > 0, lr = 0); the schedule is in whole
// epochs.
void read_optimization(const ConfigView& t, MethodOptions& o) {
  o.optimizer.lr = t.get_double_in("lr", 0.0, 10.0);
  o.optimizer.head_lr = t.get_double_in("head_lr", 0.0, 10.0);
  o.optimizer.weight_decay = t.get_double_in("weight_decay", 0.0, 1.0);
  o.schedule.epochs = t.get_int_in("epochs", 1, 1000000);
  o.schedule.warmup_epochs = t.get_int_in("warmup_epochs", 0, 1000000);
  o.schedule.decay_epochs = t.get_int_in("decay_epochs", 0, 1000000);
}

methods::PatchGdOptions read_patchgd(const ConfigView& m) {
  methods::PatchGdOptions p;
  // Whether p divides the image side is checked by read_run_spec, which sees the dataset.
  p.patch_size = m.get_int_in("patch_size", 1, 1 << 17);
  p.sampling_fraction = m.get_double_in("sampling_fraction", 0.0, 1.0, /*lo_open=*/true);
  p.grad_accum_steps = int_or_in(m, "grad_accum_steps", 0, 0, 1 << 20);
  p.fill_bn_train =
      m.is_null("fill_bn_mode") || m.get_choice("fill_bn_mode", {"train", "eval"}) == "train";
  p.eval_chunk = int_or_in(m, "eval_chunk", 0, 0, int64_t{1} << 40);
  p.inner_chunk = int_or_in(m, "inner_chunk", 0, 0, int64_t{1} << 40);
  return p;
}

// `method.input_size: auto` reads as 0 here; read_run_spec keeps that it was auto and the runner
// searches the side.
methods::GdOptions read_gd(const ConfigView& m) {
  methods::GdOptions g;
  if (!m.is_null("checkpoint")) {
    const std::string c = m.get_choice("checkpoint", {"off", "stages", "blocks"});
    g.checkpoint = c == "stages"   ? methods::GdCheckpoint::Stages
                   : c == "blocks" ? methods::GdCheckpoint::Blocks
                                   : methods::GdCheckpoint::Off;
  }
  if (!m.is_null("input_size")) {
    const BatchSetting size = read_batch_setting(m, "input_size", 0);
    g.input_size = size.automatic ? 0 : size.value;
  }
  return g;
}

// A setting of one method given to the other is a mistake, not something to ignore silently.
void refuse_keys_of_other_method(const ConfigView& m, const std::string& method,
                                 const std::vector<std::string>& keys, const std::string& other) {
  for (const auto& key : keys) {
    const nlohmann::json& raw = m.raw();
    const auto it = raw.find(key);
    if (it == raw.end() || it->is_null()) continue;
    // The neutral values are allowed, so a sweep may list them for every case.
    if ((it->is_string() && it->get<std::string>() == "off") ||
        (it->is_number_integer() && it->get<int64_t>() == 0))
      continue;
    m.fail(key,
           "absent, null, 0 or off for method=" + method + " (a setting of method=" + other + ")");
  }
}

methods::MemoryFormatChoice read_memory_format(const ConfigView& root) {
  if (root.is_null("memory_format")) return methods::MemoryFormatChoice::Auto;
  const std::string f = root.get_choice("memory_format", {"auto", "contiguous", "channels_last"});
  if (f == "contiguous") return methods::MemoryFormatChoice::Contiguous;
  if (f == "channels_last") return methods::MemoryFormatChoice::ChannelsLast;
  return methods::MemoryFormatChoice::Auto;
}

}  // namespace

int64_t int_or_in(const ConfigView& view, const std::string& key, int64_t fallback, int64_t lo,
                  int64_t hi) {
  return view.is_null(key) ? fallback : view.get_int_in(key, lo, hi);
}

MethodOptions read_method_options(const ConfigView& root) {
  MethodOptions o;
  const auto method = root.at("method");
  const std::string name = method.get_choice("name", {"gd", "patchgd"});
  o.kind = name == "gd" ? methods::MethodKind::Gd : methods::MethodKind::PatchGd;
  o.backbone = read_backbone(root.at("backbone"));
  o.head = read_head(root.at("head"));
  read_optimization(root.at("train"), o);
  o.memory_format = read_memory_format(root);
  o.freeze_bn = method.get_bool_or("freeze_bn", false);
  o.seed = static_cast<uint64_t>(root.get_int("seed"));
  const BatchSetting micro = read_batch_setting(root.at("train"), "micro_batch", 0);
  o.micro_batch = micro.automatic ? 0 : micro.value;
  if (o.kind == methods::MethodKind::Gd) {
    refuse_keys_of_other_method(method, "gd", {"inner_chunk"}, "patchgd");
    o.gd = read_gd(method);
    o.classifier = method.is_null("classifier") ||
                           method.get_choice("classifier", {"head", "pooled"}) == "head"
                       ? methods::GdClassifier::Head
                       : methods::GdClassifier::Pooled;
  } else {
    refuse_keys_of_other_method(method, "patchgd", {"checkpoint", "input_size"}, "gd");
    o.patchgd = read_patchgd(method);
  }
  return o;
}

}  // namespace pgd::spec
