#pragma once
// Multirun (`patchgd run -m ...`): overrides whose value sweeps several values expand into
// one concrete override list per combination. Sweep values:
//   k=a,b,c                 commas at the top level only: [1,2], {a: 1, b: 2}, f(x,y) and
//                           'a,b' are single values
//   k=range(stop) / range(start,stop[,step])   Python's range; float arguments give floats
//   k=choice(a,b)           the listed values
// Combinations follow itertools.product: the first swept override varies slowest, the last
// fastest; overrides that do not sweep keep their positions in every combination.
#include <string>
#include <vector>

namespace pgd::config {

// Whether an override value (the text after '=') sweeps values.
bool is_sweep_value(const std::string& value_text);
// Whether a whole override sweeps values (`~key=...` never does).
bool is_sweep_override(const std::string& override_text);

// The concrete value texts a sweep value stands for, in order (a non-sweep value: itself).
// Throws ConfigError naming `origin` for an empty element, a bad range or a zero step.
std::vector<std::string> sweep_values(const std::string& value_text, const std::string& origin);

// One override list per combination, in product order.
std::vector<std::vector<std::string>> expand_multirun(const std::vector<std::string>& overrides);

// For a single run: throws ConfigError "override 'k=a,b' sweeps values; pass -m/--multirun"
// for the first override that sweeps.
void require_no_sweeps(const std::vector<std::string>& overrides);

}  // namespace pgd::config
