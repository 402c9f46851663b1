#pragma once
// The functions of Hydra's override grammar (hydra/_internal/grammar/grammar_functions.py),
// with its signatures, argument binding and semantics:
//   int(x) float(x) str(x) bool(x)      casts of values, lists, dicts (values), choices and
//                                       ranges (int/float only); int(a,b) is a cast choice
//   choice(a, b, ...)                   a choice sweep
//   range(stop) range(start, stop, step=1)   ints, or floats when any argument is a float
//   interval(start, end)                a continuous sweep (for sampling sweepers)
//   tag(t1, t2, sweep)                  tags on a sweep
//   sort(x, reverse=false)              sorts a list or a sweep; sort(a,b,c) a sorted choice
//   shuffle(x)                          shuffles a list or a sweep
//   glob(include, exclude=[])           the options of a config group that match
// Arguments may be named (range(1, 10, step=2), sort(list=[2,1])). The deprecated json_str
// and extend_list are refused.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "harness/config/override_value.h"

namespace pgd::config {

struct FunctionCall {
  std::string name;
  std::vector<OverrideValue> args;
  std::vector<std::pair<std::string, OverrideValue>> kwargs;
};

// What shuffle() of a list needs: the run's seed and the key (so two shuffled keys differ).
// Without a seed the list is left in order and *needs_seed is set, so the caller can compose
// the config, read its seed and parse again.
struct FunctionContext {
  std::string key;
  const int64_t* seed = nullptr;
  bool* needs_seed = nullptr;
};

// The result of the call. Throws ConfigError with the problem only (e.g. "range() step must
// not be zero"); the parser adds the override text and the column.
OverrideValue call_function(const FunctionCall& call, const FunctionContext& context);

}  // namespace pgd::config
