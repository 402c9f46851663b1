#include "harness/config/multirun.h"

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/override_format.h"

namespace pgd::config {
namespace {

// Sanity bound: a typo should fail fast, not fill memory.
constexpr size_t kMaxCombinations = 1000000;

}  // namespace

bool is_sweep_override(const std::string& override_text) {
  return parse_override(override_text).sweep.has_value();
}

std::vector<std::string> expand_override(const Override& o, const SweepContext& context) {
  if (!o.sweep) return {o.text};
  const std::string head = override_prefix(o.kind) + o.key + "=";
  std::vector<std::string> out;
  try {
    for (const auto& v : enumerate_sweep(*o.sweep, context))
      out.push_back(head + format_override_value(v));
  } catch (const ConfigError& e) {
    throw ConfigError("override '" + o.text + "': " + e.what());
  }
  return out;
}

std::vector<std::vector<std::string>> expand_multirun(const std::vector<std::string>& overrides,
                                                      const std::filesystem::path& config_dir) {
  std::vector<Override> parsed;
  std::vector<std::string> fixed;  // the overrides that do not sweep: they decide the seed
  for (const auto& text : overrides) {
    parsed.push_back(parse_override(text));
    if (!parsed.back().sweep) fixed.push_back(text);
  }
  auto seed = [&] { return seed_of(compose_config(config_dir, fixed)); };
  // Each position holds its choices: one for a plain override, several for a sweep.
  std::vector<std::vector<std::string>> choices;
  size_t total = 1;
  for (const auto& o : parsed) {
    choices.push_back(expand_override(o, {config_dir, o.key, seed}));
    total *= choices.back().size();
    if (total > kMaxCombinations)
      throw ConfigError("multirun: more than " + std::to_string(kMaxCombinations) +
                        " combinations (at override '" + o.text + "')");
  }
  // Odometer over the positions; the last one turns fastest.
  std::vector<std::vector<std::string>> runs;
  runs.reserve(total);
  std::vector<size_t> at(choices.size(), 0);
  for (size_t n = 0; n < total; ++n) {
    std::vector<std::string> run;
    run.reserve(choices.size());
    for (size_t i = 0; i < choices.size(); ++i) run.push_back(choices[i][at[i]]);
    runs.push_back(std::move(run));
    for (size_t i = choices.size(); i-- > 0;) {
      if (++at[i] < choices[i].size()) break;
      at[i] = 0;
    }
  }
  return runs;
}

void require_no_sweeps(const std::vector<std::string>& overrides) {
  for (const auto& text : overrides)
    if (is_sweep_override(text))
      throw ConfigError("override '" + text + "' sweeps values; pass -m/--multirun");
}

}  // namespace pgd::config
