#include "harness/config/interpolation.h"

#include <algorithm>
#include <set>
#include <vector>

#include "harness/config/config_error.h"
#include "harness/config/config_tree.h"
#include "harness/config/hydra_typing.h"
#include "harness/config/string_util.h"

namespace pgd::config {
namespace {

using Json = nlohmann::json;
using Path = std::vector<std::string>;

// A string cut into literal text and references: "lr_${a.b}" is {"lr_", false}, {"a.b", true}.
struct Piece {
  std::string text;
  bool reference = false;
};

// The end of the interpolation opened at `open` (the index of its '}'), nested ones included.
size_t closing_brace(const std::string& s, size_t open, const std::string& where) {
  int depth = 0;
  for (size_t j = open; j < s.size(); ++j) {
    if (s.compare(j, 2, "${") == 0) {
      ++depth;
      ++j;
    } else if (s[j] == '}' && --depth == 0) {
      return j;
    }
  }
  throw ConfigError(where + ": the interpolation in '" + s + "' is never closed with '}'");
}

std::vector<Piece> split_pieces(const std::string& s, const std::string& where) {
  std::vector<Piece> pieces(1);
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\\') {
      size_t k = 0;
      while (i + k < s.size() && s[i + k] == '\\') ++k;
      if (s.compare(i + k, 2, "${") != 0) {  // backslashes elsewhere are plain text
        pieces.back().text.append(k, '\\');
        i += k;
        continue;
      }
      pieces.back().text.append(k / 2, '\\');
      i += k;
      if (k % 2 == 1) {  // \${ is the literal text ${
        pieces.back().text += "${";
        i += 2;
        continue;
      }
    }
    if (s.compare(i, 2, "${") == 0) {
      size_t close = closing_brace(s, i, where);
      pieces.push_back({trim(s.substr(i + 2, close - i - 2)), true});
      pieces.emplace_back();
      i = close + 1;
      continue;
    }
    pieces.back().text += s[i++];
  }
  pieces.erase(std::remove_if(pieces.begin(), pieces.end(),
                              [](const Piece& p) { return !p.reference && p.text.empty(); }),
               pieces.end());
  return pieces;
}

class Resolver {
 public:
  explicit Resolver(Json& root) : root_(root) {}

  void resolve_tree(const Path& path) {
    Json* node = find_path(root_, path);
    if (node->is_string()) {
      if (has_interpolation(node->get<std::string>())) resolve_string(path);
      return;
    }
    if (!node->is_structured()) return;
    std::vector<std::string> children;
    if (node->is_array()) {
      for (size_t i = 0; i < node->size(); ++i) children.push_back(std::to_string(i));
    } else {
      for (const auto& item : node->items()) children.push_back(item.key());
    }
    for (const auto& c : children) {
      Path child = path;
      child.push_back(c);
      resolve_tree(child);
    }
  }

 private:
  // The keys being resolved, outermost first: "a.x -> b.y".
  std::string chain() const { return join(stack_, " -> "); }

  // A copied mapping or list holds strings that are resolved already: an escaped \${x} in it
  // is now the literal text ${x} and must not be read again.
  void mark_done(const Path& path, const Json& node) {
    if (node.is_string()) done_.insert(dotted(path, path.size()));
    if (!node.is_structured()) return;
    size_t index = 0;
    for (const auto& item : node.items()) {
      Path child = path;
      child.push_back(node.is_array() ? std::to_string(index++) : item.key());
      mark_done(child, item.value());
    }
  }

  void resolve_string(const Path& path) {
    const std::string key = dotted(path, path.size());
    if (done_.count(key)) return;
    if (std::find(stack_.begin(), stack_.end(), key) != stack_.end())
      throw ConfigError("interpolation cycle: " + chain() + " -> " + key);
    stack_.push_back(key);
    const std::string text = find_path(root_, path)->get<std::string>();
    Json value = evaluate(text, path);
    mark_done(path, value);
    *find_path(root_, path) = std::move(value);
    stack_.pop_back();
    done_.insert(key);
  }

  Json evaluate(const std::string& text, const Path& path) {
    std::vector<Piece> pieces = split_pieces(text, "interpolation in '" + chain() + "'");
    if (pieces.size() == 1 && pieces[0].reference) return target(pieces[0].text, path);
    std::string out;
    for (const auto& p : pieces) out += p.reference ? python_str(target(p.text, path)) : p.text;
    return out;
  }

  // The value `reference` (the text inside ${...}) names, resolved first.
  Json target(const std::string& reference, const Path& path) {
    const std::string context = "interpolation '${" + reference + "}' in '" + chain() + "': ";
    std::string ref = reference;
    if (has_interpolation(ref)) ref = python_str(evaluate(ref, path));  // ${a.${b}}
    if (ref.find(':') != std::string::npos)
      throw ConfigError(context +
                        "resolvers such as oc.env are not supported; refer to a "
                        "config key (${train.lr})");
    Path target_path = reference_path(ref, path, context);
    if (!find_path(root_, target_path, context)) throw_unknown_key(root_, target_path, context);
    resolve_tree(target_path);
    return *find_path(root_, target_path);
  }

  // ${a.b}, ${a[0]} from the root; ${.b} from the mapping holding the string, ${..b} above it.
  static Path reference_path(const std::string& ref, const Path& from, const std::string& context) {
    size_t dots = 0;
    while (dots < ref.size() && ref[dots] == '.') ++dots;
    Path out;
    if (dots) {
      if (dots > from.size())
        throw ConfigError(context + "'" + ref + "' goes above the top of the config");
      out.assign(from.begin(), from.end() - static_cast<std::ptrdiff_t>(dots));
    }
    std::string rest = ref.substr(dots);
    std::replace(rest.begin(), rest.end(), '[', '.');
    rest.erase(std::remove(rest.begin(), rest.end(), ']'), rest.end());
    if (rest.empty()) {
      if (!dots) throw ConfigError(context + "an empty interpolation names no key");
      return out;
    }
    for (const auto& part : split_words(rest, context)) out.push_back(part);
    return out;
  }

  static std::vector<std::string> split_words(const std::string& dotted_key,
                                              const std::string& context) {
    std::vector<std::string> parts(1);
    for (char c : dotted_key) {
      if (c == '.')
        parts.emplace_back();
      else
        parts.back() += c;
    }
    for (const auto& p : parts)
      if (p.empty()) throw ConfigError(context + "the key '" + dotted_key + "' has an empty part");
    return parts;
  }

  Json& root_;
  std::vector<std::string> stack_;
  std::set<std::string> done_;
};

}  // namespace

bool has_interpolation(const std::string& s) { return s.find("${") != std::string::npos; }

std::string escape_interpolations(const std::string& s) {
  if (!has_interpolation(s)) return s;  // resolution leaves such strings alone
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, "${") != 0) {
      out += s[i];
      continue;
    }
    // k backslashes before ${ are written 2k+1: k of them, then the escaped \${.
    size_t k = 0;
    while (k < out.size() && out[out.size() - 1 - k] == '\\') ++k;
    out.append(k + 1, '\\');
    out += "${";
    ++i;
  }
  return out;
}

void resolve_interpolations(Json& config) { Resolver(config).resolve_tree({}); }

}  // namespace pgd::config
