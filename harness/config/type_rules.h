#pragma once
// Which values an override may give a key. By default a key keeps the type of its default
// (an int is accepted for a float key and stored as a float; a null default accepts anything;
// any key accepts null). Keys whose value may take more than one type are declared in
// config.yaml's `_types` map: dotted key -> list of kinds (int, float, number, bool, string,
// list, map, null) or literal values (`auto`), e.g. `train.batch_size: [int, auto]`.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgd::config {

class TypeRules {
 public:
  TypeRules() = default;
  // `types` is the `_types` mapping (or null); `origin` names its file in errors.
  static TypeRules from_json(const nlohmann::json& types, const std::string& origin);

  bool declares(const std::string& key) const { return allowed_.count(key) > 0; }

  // The value to store at `key` (dotted) in place of `current` (nullptr when the key is new),
  // or throws ConfigError naming `context`, the key, the value and the type expected.
  nlohmann::json check(const std::string& key, const nlohmann::json* current,
                       const nlohmann::json& value, const std::string& context) const;

 private:
  nlohmann::json check_declared(const std::string& key, const nlohmann::json& value,
                                const std::string& context) const;
  std::map<std::string, std::vector<nlohmann::json>> allowed_;
};

}  // namespace pgd::config
