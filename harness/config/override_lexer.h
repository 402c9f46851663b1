#pragma once
// Splits an override into tokens exactly as Hydra's ANTLR lexer does (hydra/grammar/
// OverrideLexer.g4): a key mode up to the first '=', then a value mode. Within a mode the
// longest match wins and a tie goes to the rule listed first in the grammar, which is why
// `inf` is a float, `info` a word, `true` a bool and `0x1F` the int 0 followed by the word x1F.
// Structural tokens carry the blanks around them (`range (1, 3)`), so the parser never sees
// those blanks.
#include <cstddef>
#include <string>
#include <vector>

namespace pgd::config {

enum class TokenType {
  // key mode
  kEqual,
  kTilde,
  kPlus,
  kAt,
  kSlash,
  kKeyId,
  kKeySpecial,
  kDotPath,
  // value mode
  kPopen,
  kComma,
  kPclose,
  kBracketOpen,
  kBracketClose,
  kBraceOpen,
  kBraceClose,
  kColon,
  kFloat,
  kInt,
  kBool,
  kNull,
  kUnquotedChar,
  kId,
  kEsc,
  kWs,
  kQuoted,
  kInterpolation,
  kEnd,
};

struct Token {
  TokenType type;
  std::string text;
  size_t offset = 0;  // byte offset in the override text
};

// The tokens of `text`, ending with kEnd. Throws ConfigError (through throw_override_error)
// at the first character no rule matches, e.g. an unterminated quote or a `#`.
std::vector<Token> lex_override(const std::string& text);

// A token type as a person reads it in an error: "','", "a quoted string", "the end".
std::string describe_token(const Token& token);

// "override '<text>' at column <N>: <problem>" with N counted in characters from 1, so every
// error that a user can hit shows the override and where in it the problem is.
[[noreturn]] void throw_override_error(const std::string& text, size_t offset,
                                       const std::string& problem);

}  // namespace pgd::config
