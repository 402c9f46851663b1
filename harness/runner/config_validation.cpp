#include "harness/runner/config_validation.h"

#include "harness/config/config_view.h"
#include "harness/memory/memory_cap.h"
#include "harness/spec/spec_reader.h"
#include "methods/method.h"

namespace pgd::runner {
namespace {

// Parameters + gradients + Adam's two moments: the floor of any training step.
void check_cap_holds_model(const nlohmann::json& config, const spec::RunSpec& spec) {
  if (!spec.memory_cap) return;
  methods::MethodContext ctx;
  ctx.num_classes = spec.dataset.num_classes();
  ctx.image_size = spec.dataset.image_size();
  const auto method = methods::make_method(spec.method, ctx);
  const uint64_t floor = static_cast<uint64_t>(method->parameter_count()) * 4 * 4;
  if (*spec.memory_cap < floor)
    config::ConfigView(config).at("memory").fail(
        "cap", "at least the model's own training state (" + memory::format_bytes(floor) +
                   ": parameters, gradients and Adam moments of " +
                   std::to_string(method->parameter_count()) + " parameters)");
}

}  // namespace

spec::RunSpec validate_config(const nlohmann::json& config, bool check_model) {
  spec::RunSpec spec = spec::read_run_spec(config);
  if (check_model) check_cap_holds_model(config, spec);
  return spec;
}

}  // namespace pgd::runner
