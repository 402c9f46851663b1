// read_run_spec: the run-level keys (device, threads, seed, memory, train, eval, measure) and
// the checks that need two sections at once.
#include <stdexcept>
#include <string>

#include "harness/config/byte_size.h"
#include "harness/spec/spec_reader.h"

namespace pgd::spec {
namespace {

using config::ConfigView;

TrainSpec read_train(const ConfigView& t) {
  TrainSpec s;
  s.epochs = t.get_int_in("epochs", 1, 1000000);
  s.batch_size = read_batch_setting(t, "batch_size", 1);
  s.micro_batch = read_batch_setting(t, "micro_batch", 0);
  if (!s.batch_size.automatic && !s.micro_batch.automatic &&
      s.micro_batch.value > s.batch_size.value)
    t.fail("micro_batch", "at most train.batch_size (" + std::to_string(s.batch_size.value) + ")");
  s.auto_batch_max = t.get_int_in("auto_batch_max", 1, 1 << 20);
  s.max_batches_per_epoch = t.get_int_in("max_batches_per_epoch", 0, int64_t{1} << 40);
  if (!t.is_null("init_from")) s.init_from = t.get_string("init_from");
  if (!t.is_null("checkpoint_dir")) s.checkpoint_dir = t.get_string("checkpoint_dir");
  return s;
}

// eval and measure are optional sections; absent keys take the documented defaults.
EvalSpec read_eval(const ConfigView& root) {
  EvalSpec s;
  if (root.is_null("eval")) return s;
  const auto e = root.at("eval");
  s.batch_size = int_or_in(e, "batch_size", 0, 0, 1 << 20);
  s.every_epochs = int_or_in(e, "every_epochs", 1, 1, 1000000);
  s.bn_recalibration = int_or_in(e, "bn_recalibration", 0, 0, 1 << 20);
  return s;
}

MeasureSpec read_measure(const ConfigView& root) {
  MeasureSpec s;
  if (root.is_null("measure")) return s;
  const auto m = root.at("measure");
  s.latency = m.get_bool_or("latency", true);
  s.warmup_steps = int_or_in(m, "warmup_steps", 1, 0, 1 << 20);
  s.steps = int_or_in(m, "steps", 3, 0, 1 << 20);
  return s;
}

std::optional<uint64_t> read_memory_cap(const ConfigView& root) {
  const auto mem = root.at("memory");
  try {
    return config::parse_bytes(mem.get_string("cap"));
  } catch (const std::invalid_argument&) {
    mem.fail("cap", "none or a size such as 4GB, 512MB, 1.5GiB");
  }
}

// PatchGD cuts the image into an N×N grid of p×p patches.
void check_patch_grid(const ConfigView& root, const RunSpec& spec) {
  if (spec.method.kind != methods::MethodKind::PatchGd) return;
  const int64_t s = spec.dataset.image_size();
  const int64_t p = spec.method.patchgd.patch_size;
  const auto method = root.at("method");
  if (p > s) method.fail("patch_size", "at most dataset.image_size (" + std::to_string(s) + ")");
  if (s % p != 0)
    method.fail("patch_size", "a divisor of dataset.image_size (" + std::to_string(s) + ")");
}

// A streamed PatchGD run never holds a batch of images, which precise BatchNorm feeds on.
void check_stream(const ConfigView& root, const RunSpec& spec) {
  const auto* panda = std::get_if<data::PandaOptions>(&spec.dataset.source);
  if (!panda || !panda->stream || spec.method.kind != methods::MethodKind::PatchGd) return;
  if (spec.eval.bn_recalibration > 0)
    root.at("eval").fail("bn_recalibration",
                         "0 when dataset.stream is true (precise BatchNorm runs on whole images, "
                         "which a streamed run never holds)");
}

// GD's reduced resolution: at most the image side; `auto` is searched at a fixed batch.
BatchSetting read_gd_input_size(const ConfigView& root, const RunSpec& spec) {
  if (spec.method.kind != methods::MethodKind::Gd) return {};
  const auto method = root.at("method");
  if (method.is_null("input_size")) return {};
  const BatchSetting size = read_batch_setting(method, "input_size", 0);
  const int64_t s = spec.dataset.image_size();
  if (!size.automatic && size.value > s)
    method.fail("input_size",
                "0 (the image as it is), auto, or a side of at most "
                "dataset.image_size (" +
                    std::to_string(s) + ")");
  if (size.automatic && (spec.train.batch_size.automatic || spec.train.micro_batch.automatic))
    method.fail("input_size",
                "a fixed side when train.batch_size or train.micro_batch is auto (auto searches "
                "the side at a fixed batch; search one setting at a time)");
  return size;
}

}  // namespace

BatchSetting read_batch_setting(const ConfigView& view, const std::string& key, int64_t min) {
  const nlohmann::json& raw = view.raw();
  const auto it = raw.find(key);
  if (it != raw.end() && it->is_string() && it->get<std::string>() == "auto") return {true, 0};
  if (it == raw.end() || !it->is_number_integer() || it->get<int64_t>() < min)
    view.fail(key, "an integer >= " + std::to_string(min) + " or auto");
  return {false, it->get<int64_t>()};
}

RunSpec read_run_spec(const nlohmann::json& config) {
  const ConfigView root(config);
  RunSpec s;
  s.device =
      root.get_choice("device", {"cpu", "cuda"}) == "cuda" ? DeviceKind::Cuda : DeviceKind::Cpu;
  s.threads = root.get_int_in("threads", 0, 4096);
  s.seed = root.get_int("seed");
  s.dataset = read_dataset_options(root.at("dataset"));
  s.method = read_method_options(root);
  s.train = read_train(root.at("train"));
  s.eval = read_eval(root);
  s.measure = read_measure(root);
  s.memory_cap = read_memory_cap(root);
  check_patch_grid(root, s);
  check_stream(root, s);
  s.gd_input_size = read_gd_input_size(root, s);
  return s;
}

}  // namespace pgd::spec
