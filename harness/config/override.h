#pragma once
// The override grammar of the `patchgd` command line and of sweep files: Hydra's
// (hydra/grammar/OverrideParser.g4, see override_lexer.h and hydra_typing.h):
//   key.path=value     set an existing key (type-checked against its default); a mapping
//                      value merges into an existing mapping (head={layers: 2})
//   +key.path=value    add a key; on a key that holds null, or with a list or mapping value,
//                      it sets (merges) as Hydra does; else it is an error
//   ++key.path=value   add or set
//   ~key.path          remove a key; ~key.path=value removes it only if it holds that value
//   group=option       choose a config group file (dataset=panda); decided by compose_config,
//                      which knows the groups: the grammar sees it as a plain set
//   list.0=value       a number in the key selects a list element
// Values: 3 int, 1e-3 / inf / nan float, true bool, null null (any case), 'a' or "a" string,
// [a, b] list, {a: 1} mapping, ${a.b} interpolation (resolved after composition), f(...) a
// function (override_functions.h), a,b,c a simple choice sweep; anything else a string.
// An empty value is the empty string. Text that does not parse is an error naming the override
// and the column, never a partial value.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/config/override_value.h"

namespace pgd::config {

enum class OverrideKind { kSet, kAdd, kForceAdd, kRemove };

struct Override {
  OverrideKind kind = OverrideKind::kSet;
  std::string key;             // dotted path, e.g. "train.epochs" or "list.0"
  bool has_value = false;      // false only for `~key`
  std::string value_text;      // the text after the first '=', as typed
  nlohmann::json value;        // the value when it is not a sweep (null when !has_value)
  std::optional<Sweep> sweep;  // set when the value sweeps (a,b / choice / range / glob ...)
  bool needs_seed = false;     // shuffle() of a list was left unshuffled: no seed was given
  std::string text;            // the whole override, for error messages
};

struct ParseOptions {
  const int64_t* seed = nullptr;  // the config's seed, for shuffle() of a list
};

// Throws ConfigError naming the override, the column and what was expected when it is
// malformed or a function fails.
Override parse_override(const std::string& text, const ParseOptions& options = {});

// "", "+", "++" or "~".
std::string override_prefix(OverrideKind kind);

// Splits a dotted key (as the grammar accepted it) into its parts.
std::vector<std::string> split_key(const std::string& dotted);

}  // namespace pgd::config
