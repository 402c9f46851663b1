#include "harness/runner/config_validation.h"

#include <cmath>
#include <stdexcept>

#include "harness/config/config_view.h"
#include "harness/memory/memory_cap.h"
#include "datasets/dataset.h"
#include "methods/method.h"
#include "methods/network.h"

namespace pgd::runner {
namespace {

using config::ConfigView;

void check_batch_key(const ConfigView& train, const std::string& key, int64_t min) {
  const auto& v = train.raw()[key];
  if (v.is_string() && v.get<std::string>() == "auto") return;
  if (!v.is_number_integer() || v.get<int64_t>() < min)
    train.fail(key, "an integer >= " + std::to_string(min) + " or auto");
}

void check_train(const ConfigView& cfg) {
  const auto train = cfg.at("train");
  train.get_int_in("epochs", 1, 1000000);
  check_batch_key(train, "batch_size", 1);
  check_batch_key(train, "micro_batch", 0);
  train.get_int_in("auto_batch_max", 1, 1 << 20);
  train.get_double_in("lr", 0, 10, true);
  train.get_double_in("head_lr", 0, 10, true);
  train.get_double_in("weight_decay", 0, 1);
  train.get_double_in("warmup_epochs", 0, 1e6);
  train.get_double_in("decay_epochs", 0, 1e6);
  train.get_int_in("max_batches_per_epoch", 0, 1LL << 40);
  const auto& tb = train.raw()["batch_size"];
  const auto& mb = train.raw()["micro_batch"];
  if (tb.is_number_integer() && mb.is_number_integer() && mb.get<int64_t>() > tb.get<int64_t>())
    train.fail("micro_batch",
               "at most train.batch_size (" + std::to_string(tb.get<int64_t>()) + ")");
}

void check_patchgd(const ConfigView& cfg) {
  const auto method = cfg.at("method");
  const int64_t s = cfg.at("dataset").get_int_in("image_size", 8, 1 << 17);
  const int64_t p = method.get_int_in("patch_size", 1, 1 << 17);
  if (p > s) method.fail("patch_size", "at most dataset.image_size (" + std::to_string(s) + ")");
  if (s % p != 0)
    method.fail("patch_size", "a divisor of dataset.image_size (" + std::to_string(s) + ")");
  method.get_double_in("sampling_fraction", 0, 1, /*lo_open=*/true);
  method.get_int_in("grad_accum_steps", 0, 1 << 20);
  method.get_choice("fill_bn_mode", {"train", "eval"});
}

void check_memory_and_model(const ConfigView& cfg, bool check_model) {
  const auto mem = cfg.at("memory");
  std::optional<uint64_t> cap;
  try {
    cap = memory::parse_bytes(mem.get_string("cap"));
  } catch (const std::invalid_argument&) {
    mem.fail("cap", "none or a size such as 4GB, 512MB, 1.5GiB");
  }
  if (!cap || !check_model) return;
  // Parameters + gradients + Adam's two moments: the floor of any training step.
  methods::MethodContext ctx;
  ctx.num_classes = cfg.at("dataset").get_int_or("num_classes", 6);
  ctx.image_size = cfg.at("dataset").get_int("image_size");
  // `auto` batch settings are resolved at run time and do not change the model's parameters.
  nlohmann::json probe = cfg.raw();
  if (probe["train"]["batch_size"].is_string()) probe["train"]["batch_size"] = 1;
  if (probe["train"]["micro_batch"].is_string()) probe["train"]["micro_batch"] = 0;
  const auto method = methods::make_method(ConfigView(probe), ctx);
  const uint64_t floor = static_cast<uint64_t>(method->parameter_count()) * 4 * 4;
  if (*cap < floor)
    mem.fail("cap", "at least the model's own training state (" + memory::format_bytes(floor) +
                        ": parameters, gradients and Adam moments of " +
                        std::to_string(method->parameter_count()) + " parameters)");
}

}  // namespace

void validate_config(const nlohmann::json& config, bool check_model) {
  const ConfigView cfg(config);
  cfg.get_choice("device", {"cpu", "cuda"});
  cfg.get_int_in("threads", 0, 4096);
  methods::read_memory_format(cfg, torch::kCPU);
  cfg.get_int("seed");
  cfg.at("dataset").get_choice("name", data::dataset_names());
  const std::string method = cfg.at("method").get_choice("name", {"gd", "patchgd"});
  const auto head = cfg.at("head");
  head.get_int_in("layers", 1, 12);
  head.get_int_in("channels", 1, 1 << 14);
  head.get_int_in("latent_dim", 1, 1 << 14);
  head.get_double_in("dropout", 0, 0.999);
  check_train(cfg);
  if (cfg.has("eval") && cfg.at("eval").has("bn_recalibration"))
    cfg.at("eval").get_int_in("bn_recalibration", 0, 1 << 20);
  if (method == "patchgd") check_patchgd(cfg);
  check_memory_and_model(cfg, check_model);
}

}  // namespace pgd::runner
