#pragma once
// Typed, read-only access to a resolved config (a JSON tree). Every error names the dotted key,
// the value found and the type or range expected, so parts below the CLI never parse by hand.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/config/config_error.h"

namespace pgd::config {

class ConfigView {
 public:
  // `root` must outlive the view; `path` is this node's dotted key ("" for the root).
  explicit ConfigView(const nlohmann::json& root, std::string path = "");

  const std::string& path() const { return path_; }
  const nlohmann::json& raw() const { return *node_; }

  bool has(const std::string& key) const;       // present (null counts as present)
  bool is_null(const std::string& key) const;   // absent or null
  ConfigView at(const std::string& key) const;  // child mapping; throws if absent

  // Scalars. Throw ConfigError naming `path.key` if absent or of the wrong type.
  std::string get_string(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;  // ints are accepted
  bool get_bool(const std::string& key) const;
  std::vector<int64_t> get_int_list(const std::string& key) const;
  std::vector<double> get_double_list(const std::string& key) const;

  // As above, but `fallback` when the key is absent or null.
  std::string get_string_or(const std::string& key, const std::string& fallback) const;
  int64_t get_int_or(const std::string& key, int64_t fallback) const;
  double get_double_or(const std::string& key, double fallback) const;
  bool get_bool_or(const std::string& key, bool fallback) const;

  // Range checks that produce the house error text.
  int64_t get_int_in(const std::string& key, int64_t lo, int64_t hi) const;  // lo <= v <= hi
  double get_double_in(const std::string& key, double lo, double hi, bool lo_open = false) const;
  // One of the listed words; the error lists them.
  std::string get_choice(const std::string& key, const std::vector<std::string>& choices) const;

  std::string key_path(const std::string& key) const;  // "dataset.image_size"
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const;

 private:
  const nlohmann::json& value(const std::string& key) const;
  const nlohmann::json* node_;
  std::string path_;
};

}  // namespace pgd::config
