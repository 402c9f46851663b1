#pragma once
// OmegaConf's interpolation in the composed config: a string value may refer to another key.
//   ${train.batch_size}   exactly one interpolation: the referenced value, its type kept
//                         (an int stays an int, a mapping is copied)
//   lr_${train.lr}        inside text: the value as Python's str() writes it (lr_0.001)
//   ${.sibling} ${..up}   relative to the mapping holding the string, one more level per dot
//   ${list.0} ${list[0]}  a list element
//   \${not.this}          escaped: stays the literal text ${not.this}; \\${x} is a backslash
//                         followed by the value (backslashes elsewhere are left alone)
// Resolvers (${oc.env:HOME}, anything with ':') are not supported: an error says so.
// Resolution runs after composition and overrides, before type checks and hashing; a missing
// key or a cycle is an error naming the chain of keys (a.x -> b.y -> a.x).
#include <string>

#include <nlohmann/json.hpp>

namespace pgd::config {

// Whether `s` holds "${" (an interpolation, or an escaped one that resolution unescapes).
bool has_interpolation(const std::string& s);

// `s` written so that resolution gives `s` back: each ${ becomes \${ (with the backslashes
// before it doubled). For YAML that must read back to a resolved config (config show).
std::string escape_interpolations(const std::string& s);

// Resolves every interpolation in `config`, in place. Throws ConfigError.
void resolve_interpolations(nlohmann::json& config);

}  // namespace pgd::config
