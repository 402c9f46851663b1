#include "harness/config/override_apply.h"

#include "harness/config/config_error.h"
#include "harness/config/config_tree.h"
#include "harness/config/interpolation.h"
#include "harness/config/string_util.h"

namespace pgd::config {
namespace {

using Json = nlohmann::json;

struct Apply {
  const Override& o;
  const TypeRules& types;
  std::vector<PendingCheck>& pending;
  std::string context;

  // The value to store at `key` in place of `current` (nullptr: a new key).
  Json checked(const std::string& key, const Json* current, const Json& value) const {
    if (value.is_string() && has_interpolation(value.get<std::string>())) {
      pending.push_back({key, current ? std::optional<Json>(*current) : std::nullopt, context});
      return value;
    }
    return types.check(key, current, value, context);
  }

  // Merges mapping `value` into mapping `node` (at dotted `key`) key by key; new keys only
  // when `may_add` (the + and ++ forms), as OmegaConf's struct flag decides.
  void merge(Json& node, const std::string& key, const Json& value, bool may_add) const {
    for (const auto& [name, item] : value.items()) {
      const std::string child = key + "." + name;
      auto it = node.find(name);
      if (it == node.end()) {
        if (!may_add) unknown_in_merge(node, key, name);
        node[name] = checked(child, nullptr, item);
      } else if (it->is_object() && item.is_object()) {
        merge(*it, child, item, may_add);
      } else {
        *it = checked(child, &*it, item);
      }
    }
  }

  [[noreturn]] void unknown_in_merge(const Json& node, const std::string& key,
                                     const std::string& name) const {
    std::vector<std::string> keys;
    for (const auto& item : node.items()) keys.push_back(item.key());
    throw ConfigError(context + "unknown config key '" + key + "." + name + "'" +
                      did_you_mean_clause(name, keys, key + ".") + "valid keys under '" + key +
                      "': " + join(nearest_first(name, keys)) + " (a mapping value merges " +
                      "into '" + key + "'; add keys with '+" + o.key + "=...' or '++" + o.key +
                      "=...')");
  }

  // Sets an existing node: a mapping merges into a mapping, anything else replaces.
  void set(Json& node, bool may_add) const {
    if (node.is_object() && o.value.is_object())
      merge(node, o.key, o.value, may_add);
    else
      node = checked(o.key, &node, o.value);
  }

  void add(Json& config, const std::vector<std::string>& parts) const {
    Json& slot = slot_for_add(config, parts, context);
    slot = checked(o.key, nullptr, o.value);
  }

  void remove(Json& config, const std::vector<std::string>& parts, const Json* current) const {
    if (!current) throw_unknown_key(config, parts, context + "cannot remove: ");
    if (o.has_value && *current != o.value)  // 1 == 1.0, as in Python
      throw ConfigError(context + "config key '" + o.key + "' is " + describe_value(*current) +
                        ", not " + describe_value(o.value) + "; not removed");
    erase_path(config, parts);
  }
};

}  // namespace

void apply_key_override(const Override& o, const TypeRules& types, Json& config,
                        std::vector<PendingCheck>& pending) {
  Apply a{o, types, pending, "override '" + o.text + "': "};
  const auto parts = split_key(o.key);
  Json* current = find_path(config, parts, a.context);
  switch (o.kind) {
    case OverrideKind::kSet:
      if (!current) throw_unknown_key(config, parts, a.context);
      a.set(*current, false);
      return;
    case OverrideKind::kAdd:
      if (!current) return a.add(config, parts);
      // Hydra: `+` sets a key that holds null, and merges (or replaces) containers.
      if (current->is_null() || o.value.is_structured()) return a.set(*current, true);
      throw ConfigError(a.context + "config key '" + o.key + "' already exists (" +
                        describe_value(*current) + "); set it with '" + o.key + "=" + o.value_text +
                        "' or use '++" + o.key + "=" + o.value_text + "'");
    case OverrideKind::kForceAdd:
      if (!current) return a.add(config, parts);
      return a.set(*current, true);
    case OverrideKind::kRemove:
      return a.remove(config, parts, current);
  }
}

void run_pending_checks(const std::vector<PendingCheck>& pending, const TypeRules& types,
                        Json& config) {
  for (const auto& p : pending) {
    Json* node = find_path(config, split_key(p.key));
    if (!node) continue;  // removed by a later override
    *node = types.check(p.key, p.current ? &*p.current : nullptr, *node, p.context);
  }
}

}  // namespace pgd::config
