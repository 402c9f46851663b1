#include "harness/config/hydra_typing.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "harness/config/string_util.h"

namespace pgd::config {
namespace {

// `\,` -> `,`: an ESC token is pairs of a backslash and the character it escapes.
std::string unescape_esc(const std::string& esc) {
  std::string out;
  for (size_t i = 1; i < esc.size(); i += 2) out += esc[i];
  return out;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// DIGIT ('_'? DIGIT)* at `i`, appending the digits to `out`; the length matched (0: none).
size_t python_digits(const std::string& s, size_t i, std::string* out) {
  if (i >= s.size() || !digit(s[i])) return 0;
  size_t j = i;
  while (j < s.size()) {
    if (digit(s[j])) {
      *out += s[j++];
    } else if (s[j] == '_' && j + 1 < s.size() && digit(s[j + 1])) {
      ++j;
    } else {
      break;
    }
  }
  return j - i;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string python_string_repr(const std::string& s) {
  char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\') out += '\\';
    out += c;
  }
  return out + q;
}

std::string python_repr(const nlohmann::json& value);

std::string python_container(const nlohmann::json& value) {
  std::vector<std::string> items;
  if (value.is_array()) {
    for (const auto& item : value) items.push_back(python_repr(item));
    return "[" + join(items) + "]";
  }
  for (const auto& [key, item] : value.items())
    items.push_back(python_string_repr(key) + ": " + python_repr(item));
  return "{" + join(items) + "}";
}

std::string python_repr(const nlohmann::json& value) {
  return value.is_string() ? python_string_repr(value.get<std::string>()) : python_str(value);
}

}  // namespace

nlohmann::json primitive_value(const std::vector<Token>& tokens, size_t begin, size_t end,
                               const std::string& text) {
  // Blanks at either end are not part of the value (`key= a b ` is "a b").
  if (begin < end && tokens[begin].type == TokenType::kWs) ++begin;
  if (begin < end && tokens[end - 1].type == TokenType::kWs) --end;
  if (begin == end) throw_override_error(text, tokens[begin].offset, "a value that is only blanks");
  if (end - begin > 1) {
    std::string joined;
    for (size_t i = begin; i < end; ++i)
      joined += tokens[i].type == TokenType::kEsc ? unescape_esc(tokens[i].text) : tokens[i].text;
    return joined;
  }
  const Token& t = tokens[begin];
  switch (t.type) {
    case TokenType::kQuoted:
      return unquote(t.text);
    case TokenType::kNull:
      return nullptr;
    case TokenType::kBool:
      return lower(t.text) == "true";
    case TokenType::kEsc:
      return unescape_esc(t.text);
    case TokenType::kInt: {
      int64_t v = 0;
      bool overflow = false;
      if (!python_int(t.text, &v, &overflow))
        throw_override_error(text, t.offset, "the integer " + t.text + " does not fit in 64 bits");
      return v;
    }
    case TokenType::kFloat: {
      double v = 0;
      python_float(t.text, &v);  // the lexer only makes FLOAT tokens of valid floats
      return v;
    }
    default:
      return t.text;
  }
}

std::string unquote(const std::string& quoted) {
  const char q = quoted.front();
  std::string out;
  size_t backslashes = 0;
  // Walk the content and the closing quote: a run of backslashes is only an escape when a
  // quote follows it.
  for (size_t i = 1; i < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == q) {
      out.append(backslashes / 2, '\\');
      if (i + 1 < quoted.size()) out += q;
    } else {
      out.append(backslashes, '\\');
      out += c;
    }
    backslashes = 0;
  }
  return out;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  size_t backslashes = 0;
  for (char c : s) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '\'') {
      out.append(2 * backslashes, '\\');
      out += "\\'";
    } else {
      out.append(backslashes, '\\');
      out += c;
    }
    backslashes = 0;
  }
  out.append(2 * backslashes, '\\');  // backslashes before the closing quote are doubled
  return out + "'";
}

std::string escape_unquoted(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::strchr("\\()[]{}:=, \t", c) && c != '\0') out += '\\';
    out += c;
  }
  return out;
}

bool python_int(const std::string& text, int64_t* out, bool* overflow) {
  std::string s = trim(text), digits;
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  size_t n = python_digits(s, i, &digits);
  if (n == 0 || i + n != s.size()) return false;
  errno = 0;
  unsigned long long magnitude = std::strtoull(digits.c_str(), nullptr, 10);
  const unsigned long long max_pos = std::numeric_limits<int64_t>::max();
  bool negative = s[0] == '-';
  if (errno == ERANGE || magnitude > max_pos + (negative ? 1ULL : 0ULL)) {
    if (overflow) *overflow = true;
    return false;
  }
  *out = negative ? static_cast<int64_t>(0ULL - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

bool python_float(const std::string& text, double* out) {
  std::string s = trim(text);
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  const bool negative = i && s[0] == '-';
  std::string word = lower(s.substr(i));
  if (word == "inf" || word == "infinity" || word == "nan") {
    double v = word == "nan" ? std::numeric_limits<double>::quiet_NaN()
                             : std::numeric_limits<double>::infinity();
    *out = negative ? -v : v;
    return true;
  }
  std::string clean = negative ? "-" : "";
  size_t whole = python_digits(s, i, &clean);
  size_t j = i + whole, fraction = 0;
  if (j < s.size() && s[j] == '.') {
    clean += '.';
    fraction = python_digits(s, j + 1, &clean);
    j += 1 + fraction;
  }
  if (whole == 0 && fraction == 0) return false;
  if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
    clean += 'e';
    size_t k = j + 1;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) clean += s[k++];
    size_t exponent = python_digits(s, k, &clean);
    if (exponent == 0) return false;
    j = k + exponent;
  }
  if (j != s.size()) return false;
  *out = std::strtod(clean.c_str(), nullptr);  // overflow gives inf, as Python does
  return true;
}

std::string python_float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // format_double picks the same digits and layout as repr; only its exponent differs
  // (1e-5 where Python writes 1e-05, 1e16 where it writes 1e+16).
  std::string s = format_double(v);
  size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::string exponent = s.substr(e + 1);
  std::string sign = exponent[0] == '-' ? "-" : "+";
  if (exponent[0] == '-') exponent.erase(0, 1);
  if (exponent.size() < 2) exponent = "0" + exponent;
  return s.substr(0, e) + "e" + sign + exponent;
}

std::string python_str(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "None";
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case nlohmann::json::value_t::number_float:
      return python_float_repr(value.get<double>());
    case nlohmann::json::value_t::string:
      return value.get<std::string>();
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object:
      return python_container(value);
    default:
      return value.dump();  // integers
  }
}

}  // namespace pgd::config
