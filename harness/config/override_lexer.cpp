#include "harness/config/override_lexer.h"

#include <cctype>
#include <cstring>

#include "harness/config/config_error.h"

namespace pgd::config {
namespace {

bool is_char(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ws(char c) { return c == ' ' || c == '\t'; }

// Each matcher returns the length of the longest match of one grammar rule at `i` (0: none).
// They read past the end safely: std::string holds a '\0' there, which no rule accepts.
using Text = const std::string&;

size_t ws_run(Text s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_ws(s[j])) ++j;
  return j - i;
}

// DIGIT ('_'? DIGIT)*: underscores only between digits, as in Python literals.
size_t digit_run(Text s, size_t i) {
  if (!is_digit(s[i])) return 0;
  size_t j = i + 1;
  while (j < s.size()) {
    if (is_digit(s[j]))
      ++j;
    else if (s[j] == '_' && is_digit(s[j + 1]))
      j += 2;
    else
      break;
  }
  return j - i;
}

// '0' | [1-9] ('_'? DIGIT)*
size_t int_unsigned(Text s, size_t i) {
  if (s[i] == '0') return 1;
  return (s[i] >= '1' && s[i] <= '9') ? digit_run(s, i) : 0;
}

size_t point_float(Text s, size_t i) {
  size_t best = 0;
  size_t n = int_unsigned(s, i);
  if (s[i + n] == '.') {
    best = n + 1;                     // INT_UNSIGNED '.'
    best += digit_run(s, i + n + 1);  // INT_UNSIGNED? '.' DIGIT...
  }
  return best;
}

size_t exponent_float(Text s, size_t i) {
  size_t best = 0;
  for (size_t base : {int_unsigned(s, i), point_float(s, i)}) {
    if (base == 0 || (s[i + base] != 'e' && s[i + base] != 'E')) continue;
    size_t j = i + base + 1;
    if (s[j] == '+' || s[j] == '-') ++j;
    size_t digits = digit_run(s, j);
    if (digits) best = std::max(best, j + digits - i);
  }
  return best;
}

bool word_at(Text s, size_t i, const char* word) {
  size_t n = std::strlen(word);
  if (s.size() < i + n) return false;
  for (size_t k = 0; k < n; ++k)
    if (std::tolower(static_cast<unsigned char>(s[i + k])) != word[k]) return false;
  return true;
}

size_t sign(Text s, size_t i) { return (s[i] == '+' || s[i] == '-') ? 1 : 0; }

size_t float_token(Text s, size_t i) {
  size_t sg = sign(s, i), j = i + sg;
  size_t body = std::max(point_float(s, j), exponent_float(s, j));
  if (word_at(s, j, "inf") || word_at(s, j, "nan")) body = std::max<size_t>(body, 3);
  return body ? sg + body : 0;
}

size_t int_token(Text s, size_t i) {
  size_t sg = sign(s, i), body = int_unsigned(s, i + sg);
  return body ? sg + body : 0;
}

size_t bool_token(Text s, size_t i) {
  if (word_at(s, i, "true")) return 4;
  return word_at(s, i, "false") ? 5 : 0;
}

size_t null_token(Text s, size_t i) { return word_at(s, i, "null") ? 4 : 0; }

// ID: (CHAR|'_') (CHAR|DIGIT|'_'|'-')*; with `dollar`, KEY_SPECIAL, which also allows '$'.
size_t id_token(Text s, size_t i, bool dollar = false) {
  auto body = [&](char c) {
    return is_char(c) || is_digit(c) || c == '_' || c == '-' || (dollar && c == '$');
  };
  if (!(is_char(s[i]) || s[i] == '_' || (dollar && s[i] == '$'))) return 0;
  size_t j = i + 1;
  while (j < s.size() && body(s[j])) ++j;
  return j - i;
}

// (KEY_SPECIAL | INT_UNSIGNED) ('.' (KEY_SPECIAL | INT_UNSIGNED))+, e.g. train.lr or list.0.
size_t dot_path(Text s, size_t i) {
  auto part = [&](size_t at) { return std::max(id_token(s, at, true), int_unsigned(s, at)); };
  size_t n = part(i);
  if (!n) return 0;
  size_t j = i + n, parts = 1;
  while (s[j] == '.') {
    size_t next = part(j + 1);
    if (!next) break;
    j += 1 + next;
    ++parts;
  }
  return parts > 1 ? j - i : 0;
}

size_t unquoted_char(Text s, size_t i) {
  return (s[i] != '\0' && std::strchr("/-\\+.$%*@?|", s[i])) ? 1 : 0;
}

// Backslash escapes of the characters that are syntax in unquoted values: `\,` is a comma.
size_t esc_token(Text s, size_t i) {
  size_t j = i;
  while (s[j] == '\\' && s[j + 1] != '\0' && std::strchr("\\()[]{}:=, \t", s[j + 1])) j += 2;
  return j - i;
}

// A quoted value ends at the first matching quote preceded by an even number of
// backslashes (the non-greedy rule of the grammar); 0 when it never ends.
size_t quoted_token(Text s, size_t i) {
  char q = s[i];
  if (q != '\'' && q != '"') return 0;
  size_t backslashes = 0;
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == q && backslashes % 2 == 0) return j - i + 1;
    backslashes = s[j] == '\\' ? backslashes + 1 : 0;
  }
  return 0;
}

// '${' ~('}')+ '}'
size_t interpolation_token(Text s, size_t i) {
  if (s.compare(i, 2, "${") != 0) return 0;
  size_t close = s.find('}', i + 2);
  return (close == std::string::npos || close == i + 2) ? 0 : close - i + 1;
}

// WS? c WS? (or without the leading/trailing blanks, as the rule says).
size_t punct(Text s, size_t i, char c, bool ws_before, bool ws_after) {
  size_t j = i + (ws_before ? ws_run(s, i) : 0);
  if (s[j] != c) return 0;
  ++j;
  if (ws_after) j += ws_run(s, j);
  return j - i;
}

struct Candidate {
  TokenType type;
  size_t length;
};

// The rule that wins at `i`: the longest match, ties to the rule listed first.
Candidate best(std::initializer_list<Candidate> candidates) {
  Candidate win{TokenType::kEnd, 0};
  for (const auto& c : candidates)
    if (c.length > win.length) win = c;
  return win;
}

Candidate key_mode(Text s, size_t i) {
  return best({{TokenType::kEqual, punct(s, i, '=', false, true)},
               {TokenType::kTilde, s[i] == '~' ? 1u : 0u},
               {TokenType::kPlus, s[i] == '+' ? 1u : 0u},
               {TokenType::kAt, s[i] == '@' ? 1u : 0u},
               {TokenType::kColon, s[i] == ':' ? 1u : 0u},
               {TokenType::kSlash, s[i] == '/' ? 1u : 0u},
               {TokenType::kKeyId, id_token(s, i)},
               {TokenType::kKeySpecial, id_token(s, i, true)},
               {TokenType::kDotPath, dot_path(s, i)}});
}

Candidate value_mode(Text s, size_t i) {
  return best({{TokenType::kPopen, punct(s, i, '(', true, true)},
               {TokenType::kComma, punct(s, i, ',', true, true)},
               {TokenType::kPclose, punct(s, i, ')', true, false)},
               {TokenType::kBracketOpen, punct(s, i, '[', false, true)},
               {TokenType::kBracketClose, punct(s, i, ']', true, false)},
               {TokenType::kBraceOpen, punct(s, i, '{', false, true)},
               {TokenType::kBraceClose, punct(s, i, '}', true, false)},
               {TokenType::kColon, punct(s, i, ':', true, true)},
               {TokenType::kEqual, punct(s, i, '=', true, true)},
               {TokenType::kFloat, float_token(s, i)},
               {TokenType::kInt, int_token(s, i)},
               {TokenType::kBool, bool_token(s, i)},
               {TokenType::kNull, null_token(s, i)},
               {TokenType::kUnquotedChar, unquoted_char(s, i)},
               {TokenType::kId, id_token(s, i)},
               {TokenType::kEsc, esc_token(s, i)},
               {TokenType::kWs, ws_run(s, i)},
               {TokenType::kQuoted, quoted_token(s, i)},
               {TokenType::kInterpolation, interpolation_token(s, i)}});
}

std::string unlexable(Text s, size_t i, bool value_mode) {
  char c = s[i];
  if (c == '\'' || c == '"')
    return "the quote " + std::string(1, c) + " is never closed (a quote inside a quoted " +
           "value is written \\" + std::string(1, c) + ")";
  if (c == '$' && s.compare(i, 2, "${") == 0) return "the interpolation '${' is never closed";
  std::string what = static_cast<unsigned char>(c) >= 0x80 ? "a non-ASCII character"
                                                           : "'" + std::string(1, c) + "'";
  if (!value_mode)
    return "unexpected " + what +
           " in the key; keys are words of letters, digits, '_' and "
           "'-' joined by '.' (a number selects a list element)";
  return "unexpected " + what + "; quote the value ('...') or escape the character with '\\'";
}

}  // namespace

std::vector<Token> lex_override(const std::string& text) {
  std::vector<Token> tokens;
  bool in_value = false;
  size_t i = 0;
  while (i < text.size()) {
    Candidate c = in_value ? value_mode(text, i) : key_mode(text, i);
    if (c.length == 0) throw_override_error(text, i, unlexable(text, i, in_value));
    tokens.push_back({c.type, text.substr(i, c.length), i});
    if (!in_value && c.type == TokenType::kEqual) in_value = true;
    i += c.length;
  }
  tokens.push_back({TokenType::kEnd, "", text.size()});
  return tokens;
}

std::string describe_token(const Token& token) {
  switch (token.type) {
    case TokenType::kEnd:
      return "the end";
    case TokenType::kQuoted:
      return "the quoted value " + token.text;
    case TokenType::kWs:
      return "a blank";
    default:
      return "'" + token.text + "'";
  }
}

void throw_override_error(const std::string& text, size_t offset, const std::string& problem) {
  // Columns count characters, not UTF-8 bytes, so they match what the user sees.
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  throw ConfigError("override '" + text + "' at column " + std::to_string(column) + ": " + problem);
}

}  // namespace pgd::config
