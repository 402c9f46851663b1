#include "harness/config/multirun.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "harness/config/config_error.h"
#include "harness/config/string_util.h"
#include "harness/config/yaml_json.h"

namespace pgd::config {
namespace {

// Sanity bound: a typo like range(0,1e9) should fail fast, not fill memory.
constexpr size_t kMaxValues = 100000;
constexpr size_t kMaxCombinations = 1000000;

// The argument text of `name(...)`, if `text` is exactly such a call.
bool call_arguments(const std::string& text, const std::string& name, std::string* args) {
  if (text.size() < name.size() + 2 || text.compare(0, name.size() + 1, name + "(") != 0 ||
      text.back() != ')')
    return false;
  *args = text.substr(name.size() + 1, text.size() - name.size() - 2);
  return true;
}

// The override text split into (prefix+key+"=", value); false for removals and texts
// without '='.
bool split_assignment(const std::string& text, std::string* head, std::string* value) {
  if (text.rfind("~", 0) == 0) return false;
  size_t eq = text.find('=');
  if (eq == std::string::npos) return false;
  *head = text.substr(0, eq + 1);
  *value = text.substr(eq + 1);
  return true;
}

std::vector<std::string> non_empty_elements(const std::string& list, const std::string& origin) {
  auto parts = split_top_level(list, origin);
  for (const auto& p : parts)
    if (p.empty()) throw ConfigError(origin + ": empty value in sweep '" + list + "'");
  return parts;
}

// Snaps accumulated binary error (0.1*3 = 0.30000000000000004) to what a person means.
double snap(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return std::strtod(buf, nullptr);
}

std::vector<std::string> expand_range(const std::string& args, const std::string& origin) {
  const std::string usage = "; expected range(stop), range(start,stop) or range(start,stop,step)";
  auto texts = non_empty_elements(args, origin);
  if (texts.size() > 3) throw ConfigError(origin + ": range takes 1 to 3 numbers" + usage);
  std::vector<nlohmann::json> nums;
  bool all_int = true;
  for (const auto& t : texts) {
    nlohmann::json v = type_plain_scalar(t, origin);
    if (!v.is_number())
      throw ConfigError(origin + ": range argument '" + t + "' is not a number" + usage);
    all_int = all_int && v.is_number_integer();
    nums.push_back(v);
  }
  if (nums.size() == 1) nums.insert(nums.begin(), nlohmann::json(0));
  if (nums.size() == 2) nums.push_back(nlohmann::json(1));
  std::vector<std::string> out;
  auto push = [&](std::string v) {
    if (out.size() >= kMaxValues)
      throw ConfigError(origin + ": range has more than " + std::to_string(kMaxValues) + " values");
    out.push_back(std::move(v));
  };
  if (all_int) {
    int64_t start = nums[0].get<int64_t>(), stop = nums[1].get<int64_t>();
    int64_t step = nums[2].get<int64_t>();
    if (step == 0) throw ConfigError(origin + ": range step must not be zero");
    for (int64_t v = start; step > 0 ? v < stop : v > stop; v += step) push(std::to_string(v));
  } else {
    double start = nums[0].get<double>(), stop = nums[1].get<double>();
    double step = nums[2].get<double>();
    if (step == 0 || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(stop))
      throw ConfigError(origin + ": range needs finite numbers and a non-zero step");
    // (0.4 - 0.1) / 0.1 is 3.0000000000000004: snap near-integers so the stop stays excluded.
    double ratio = (stop - start) / step;
    if (std::fabs(ratio - std::round(ratio)) < 1e-9 * std::max(1.0, std::fabs(ratio)))
      ratio = std::round(ratio);
    double count = std::ceil(ratio);
    if (count > static_cast<double>(kMaxValues))
      throw ConfigError(origin + ": range has more than " + std::to_string(kMaxValues) + " values");
    for (int64_t i = 0; i < static_cast<int64_t>(count); ++i)
      push(format_double(snap(start + static_cast<double>(i) * step)));
  }
  if (out.empty()) throw ConfigError(origin + ": range(" + args + ") has no values");
  return out;
}

}  // namespace

bool is_sweep_value(const std::string& value_text) {
  std::string text = trim(value_text), args;
  if (call_arguments(text, "range", &args) || call_arguments(text, "choice", &args)) return true;
  return has_top_level_comma(text);
}

bool is_sweep_override(const std::string& override_text) {
  std::string head, value;
  return split_assignment(override_text, &head, &value) && is_sweep_value(value);
}

std::vector<std::string> sweep_values(const std::string& value_text, const std::string& origin) {
  std::string text = trim(value_text), args;
  if (call_arguments(text, "range", &args)) return expand_range(args, origin);
  if (call_arguments(text, "choice", &args)) return non_empty_elements(args, origin);
  if (has_top_level_comma(text)) return non_empty_elements(text, origin);
  return {value_text};
}

std::vector<std::vector<std::string>> expand_multirun(const std::vector<std::string>& overrides) {
  // Each position holds its choices: one for a plain override, several for a sweep.
  std::vector<std::vector<std::string>> choices;
  size_t total = 1;
  for (const auto& text : overrides) {
    std::string head, value;
    if (split_assignment(text, &head, &value) && is_sweep_value(value)) {
      std::vector<std::string> options;
      for (const auto& v : sweep_values(value, "override '" + text + "'"))
        options.push_back(head + v);
      choices.push_back(std::move(options));
    } else {
      choices.push_back({text});
    }
    total *= choices.back().size();
    if (total > kMaxCombinations)
      throw ConfigError("multirun: more than " + std::to_string(kMaxCombinations) +
                        " combinations (at override '" + text + "')");
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
