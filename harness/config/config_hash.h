#pragma once
// A run's identity: the SHA-256 of its resolved config in a canonical JSON form, so the same
// content hashes the same whichever files, key order or override spelling produced it, and
// any change to a value (at any depth) changes the hash.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgd::config {

// Top-level keys left out of the hash because they do not change a run's results.
const std::vector<std::string>& hash_excluded_keys();  // {"threads"}

// Mappings with keys sorted (by bytes), no whitespace, strings JSON-escaped, integers as
// integers, floats as the shortest text that round-trips (always with '.' or an exponent:
// 1.0, 0.001, 1e-5), non-finite floats as .inf/-.inf/.nan (not JSON, but stable).
std::string canonical_json(const nlohmann::json& value);

// Keys added after databases existed, with the value that does what runs did before the key
// existed: a config holding that value hashes as if the key were absent, so those databases
// still resume (method.checkpoint: off, method.input_size: 0, method.inner_chunk: 0).
struct NeutralDefault {
  std::string section, key;
  nlohmann::json value;
};
const std::vector<NeutralDefault>& hash_neutral_defaults();

// Lower-case hex SHA-256 of canonical_json(resolved without hash_excluded_keys() and without the
// keys that hold their neutral default).
std::string config_hash(const nlohmann::json& resolved);

}  // namespace pgd::config
