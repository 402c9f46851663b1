#include "harness/config/config_tree.h"

#include "harness/config/config_error.h"
#include "harness/config/string_util.h"
#include "harness/config/yaml_emit.h"

namespace pgd::config {
namespace {

[[noreturn]] void throw_not_mapping(const nlohmann::json& node,
                                    const std::vector<std::string>& parts, size_t depth,
                                    const std::string& context) {
  throw ConfigError(context + "config key '" + dotted(parts, parts.size()) + "': '" +
                    dotted(parts, depth) + "' is " + kind_name(node) + " " + describe_value(node) +
                    ", not a mapping, so it has no key '" + parts[depth] + "'");
}

// The index a key part selects in a list (`list.0`), or -1 when it is not a number.
long long list_index(const std::string& part) {
  if (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::stoll(part);
}

[[noreturn]] void throw_not_index(const nlohmann::json& list, const std::vector<std::string>& parts,
                                  size_t depth, const std::string& context) {
  throw ConfigError(context + "config key '" + dotted(parts, parts.size()) + "': '" +
                    dotted(parts, depth) + "' is a list of " + std::to_string(list.size()) +
                    " elements, so '" + parts[depth] + "' must be an index from 0 to " +
                    std::to_string(static_cast<long long>(list.size()) - 1));
}

// The child of `node` named by parts[depth]: a mapping key or a list index; nullptr when a
// mapping lacks the key. Throws for a scalar, or a list given a word.
template <class Json>
Json* child(Json& node, const std::vector<std::string>& parts, size_t depth,
            const std::string& context) {
  if (node.is_array()) {
    long long index = list_index(parts[depth]);
    if (index < 0) throw_not_index(node, parts, depth, context);
    return index < static_cast<long long>(node.size()) ? &node[static_cast<size_t>(index)]
                                                       : nullptr;
  }
  if (!node.is_object()) throw_not_mapping(node, parts, depth, context);
  auto it = node.find(parts[depth]);
  return it == node.end() ? nullptr : &*it;
}

template <class Json>
Json* find_impl(Json& root, const std::vector<std::string>& parts, const std::string& context) {
  Json* node = &root;
  for (size_t i = 0; i < parts.size() && node; ++i) node = child(*node, parts, i, context);
  return node;
}

}  // namespace

std::string dotted(const std::vector<std::string>& parts, size_t count) {
  std::vector<std::string> head(parts.begin(), parts.begin() + count);
  return join(head, ".");
}

std::string kind_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "int";
    case nlohmann::json::value_t::number_float:
      return "float";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::array:
      return "list";
    case nlohmann::json::value_t::object:
      return "map";
    default:
      return value.type_name();
  }
}

std::string describe_value(const nlohmann::json& value) {
  if (value.is_string()) return "'" + value.get<std::string>() + "'";
  return to_flow_yaml(value);
}

const nlohmann::json* find_path(const nlohmann::json& root, const std::vector<std::string>& parts,
                                const std::string& context) {
  return find_impl(root, parts, context);
}

nlohmann::json* find_path(nlohmann::json& root, const std::vector<std::string>& parts,
                          const std::string& context) {
  return find_impl(root, parts, context);
}

void throw_unknown_key(const nlohmann::json& root, const std::vector<std::string>& parts,
                       const std::string& context) {
  // Walk to the deepest node that exists; the first missing part is the mistake.
  const nlohmann::json* node = &root;
  size_t depth = 0;
  while (depth < parts.size()) {
    const nlohmann::json* next = child(*node, parts, depth, context);
    if (!next) break;
    node = next;
    ++depth;
  }
  if (depth == parts.size())
    throw ConfigError(context + "config key '" + dotted(parts, depth) +
                      "' exists");  // caller misuse; say so plainly
  if (node->is_array()) throw_not_index(*node, parts, depth, context);

  std::vector<std::string> keys;
  for (const auto& item : node->items()) keys.push_back(item.key());
  const std::string& missing = parts[depth];
  std::string prefix = depth ? dotted(parts, depth) + "." : "";
  std::string message = context + "unknown config key '" + dotted(parts, parts.size()) + "'" +
                        did_you_mean_clause(missing, keys, prefix);
  std::string level = depth ? "under '" + dotted(parts, depth) + "'" : "at the top level";
  if (keys.empty())
    message += "there are no keys " + level;
  else
    message += "valid keys " + level + ": " + join(nearest_first(missing, keys));
  throw ConfigError(message);
}

nlohmann::json& slot_for_add(nlohmann::json& root, const std::vector<std::string>& parts,
                             const std::string& context) {
  nlohmann::json* node = &root;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (node->is_null()) *node = nlohmann::json::object();  // a missing mapping on the way
    if (node->is_array()) {
      nlohmann::json* element = child(*node, parts, i, context);
      if (!element) throw_not_index(*node, parts, i, context);  // lists do not grow
      node = element;
    } else {
      if (!node->is_object()) throw_not_mapping(*node, parts, i, context);
      node = &(*node)[parts[i]];
    }
  }
  return *node;
}

void erase_path(nlohmann::json& root, const std::vector<std::string>& parts) {
  nlohmann::json* parent =
      parts.size() == 1 ? &root
                        : find_path(root, std::vector<std::string>(parts.begin(), parts.end() - 1));
  if (parent->is_array())
    parent->erase(static_cast<size_t>(list_index(parts.back())));
  else
    parent->erase(parts.back());
}

void deep_merge(nlohmann::json& base, const nlohmann::json& over) {
  if (!base.is_object() || !over.is_object()) {
    base = over;
    return;
  }
  for (const auto& [key, value] : over.items()) {
    auto it = base.find(key);
    if (it == base.end())
      base[key] = value;
    else
      deep_merge(*it, value);
  }
}

}  // namespace pgd::config
