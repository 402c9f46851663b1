#pragma once
// How a key override changes the composed config, as Hydra's ConfigLoader applies it
// (OmegaConf.update with merge=True on a struct config):
//   key=v      the key must exist; a mapping value merges into a mapping key, each of its keys
//              having to exist too (head={layers: 2} keeps head's other keys); else v replaces
//   +key=v     adds the key; if it exists it must hold null, or v must be a list or a mapping
//              (a mapping merges and may add keys, a list replaces), else it is an error
//   ++key=v    adds or sets; a mapping merges and may add keys
//   ~key[=v]   removes the key (a list element: the later ones move up), if it holds v
// Every value set is checked against the key's type rules (type_rules.h). A string holding an
// interpolation is checked once it is resolved: the check waits in `pending`.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/config/override.h"
#include "harness/config/type_rules.h"

namespace pgd::config {

struct PendingCheck {
  std::string key;                        // dotted
  std::optional<nlohmann::json> current;  // the value it replaced (none for a new key)
  std::string context;                    // "override '...': "
};

// Throws ConfigError naming the override.
void apply_key_override(const Override& o, const TypeRules& types, nlohmann::json& config,
                        std::vector<PendingCheck>& pending);

// The checks that waited for interpolations, on the resolved config (int -> float included).
void run_pending_checks(const std::vector<PendingCheck>& pending, const TypeRules& types,
                        nlohmann::json& config);

}  // namespace pgd::config
