#include "harness/config/string_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "harness/config/config_error.h"

namespace pgd::config {

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? sep : "") + words[i];
  return out;
}

std::string trim(std::string_view text) {
  const char* ws = " \t\r\n";
  size_t b = text.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  size_t e = text.find_last_not_of(ws);
  return std::string(text.substr(b, e - b + 1));
}

size_t edit_distance(std::string_view a, std::string_view b) {
  // Full table: keys are short, and the swap rule needs two rows back.
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::vector<std::string> nearest_first(const std::string& typed,
                                       std::vector<std::string> candidates) {
  std::vector<size_t> dist(candidates.size());
  std::vector<size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = 0; i < candidates.size(); ++i) dist[i] = edit_distance(typed, candidates[i]);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (dist[x] != dist[y]) return dist[x] < dist[y];
    return candidates[x] < candidates[y];
  });
  std::vector<std::string> out;
  out.reserve(order.size());
  for (size_t i : order) out.push_back(candidates[i]);
  return out;
}

std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return "";
  std::string best = nearest_first(typed, candidates).front();
  // A third of the typed length (at least one edit) catches typos without suggesting
  // unrelated short words.
  size_t limit = std::max<size_t>(1, typed.size() / 3);
  return edit_distance(typed, best) <= limit ? best : "";
}

std::string did_you_mean_clause(const std::string& typed,
                                const std::vector<std::string>& candidates,
                                const std::string& prefix) {
  std::string guess = did_you_mean(typed, candidates);
  return guess.empty() ? "; " : "; did you mean '" + prefix + guess + "'? ";
}

namespace {

// A quote opens a quoted scalar only where a scalar may begin (as in YAML), so the
// apostrophe in `it's` stays an ordinary character.
bool starts_scalar(std::string_view text, size_t pos) {
  while (pos > 0 && (text[pos - 1] == ' ' || text[pos - 1] == '\t')) --pos;
  if (pos == 0) return true;
  char prev = text[pos - 1];
  return prev == ',' || prev == '[' || prev == '{' || prev == '(' || prev == ':';
}

// Walks `text`, calling `on_comma(pos)` for each comma at depth 0 outside quotes.
template <class OnComma>
void scan_top_level(std::string_view text, const std::string& what, OnComma on_comma) {
  std::vector<char> stack;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      // YAML escapes a single quote by doubling it, which this toggling handles naturally;
      // double-quoted strings use backslash escapes.
      if (quote == '"' && c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
      continue;
    }
    switch (c) {
      case '\'':
      case '"':
        if (starts_scalar(text, i)) quote = c;
        break;
      case '(':
        stack.push_back(')');
        break;
      case '[':
        stack.push_back(']');
        break;
      case '{':
        stack.push_back('}');
        break;
      case ')':
      case ']':
      case '}':
        if (stack.empty() || stack.back() != c)
          throw ConfigError(what + ": unbalanced '" + std::string(1, c) + "' in '" +
                            std::string(text) + "'");
        stack.pop_back();
        break;
      case ',':
        if (stack.empty()) on_comma(i);
        break;
      default:
        break;
    }
  }
  if (quote) throw ConfigError(what + ": unterminated quote in '" + std::string(text) + "'");
  if (!stack.empty())
    throw ConfigError(what + ": missing '" + std::string(1, stack.back()) + "' in '" +
                      std::string(text) + "'");
}

}  // namespace

std::vector<std::string> split_top_level(std::string_view text, const std::string& what) {
  std::vector<std::string> parts;
  size_t start = 0;
  scan_top_level(text, what, [&](size_t pos) {
    parts.push_back(trim(text.substr(start, pos - start)));
    start = pos + 1;
  });
  parts.push_back(trim(text.substr(start)));
  return parts;
}

bool has_top_level_comma(std::string_view text) {
  bool found = false;
  try {
    scan_top_level(text, "value", [&](size_t) { found = true; });
  } catch (const ConfigError&) {
    return false;  // not well formed, so not a sweep; the YAML parse reports it
  }
  return found;
}

std::string format_double(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  // Fewest significant digits that read back exactly...
  char buf[64];
  int digits = 1;
  for (; digits < 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
  std::string sci = buf;
  size_t e = sci.find('e');
  int exponent = std::atoi(sci.c_str() + e + 1);
  // ...laid out as Python's repr does: positional for 1e-4 <= |v| < 1e16, else scientific.
  if (exponent >= -4 && exponent < 16) {
    std::snprintf(buf, sizeof buf, "%.*f", std::max(digits - 1 - exponent, 0), v);
    std::string fixed = buf;
    if (fixed.find('.') == std::string::npos) fixed += ".0";  // keep it a float when read back
    return fixed;
  }
  return sci.substr(0, e) + "e" + std::to_string(exponent);
}

}  // namespace pgd::config
