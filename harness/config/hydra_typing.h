#pragma once
// How Hydra types the text of an override value (not YAML 1.2: YAML files keep YAML typing).
// A value that is one token takes the token's type:
//   INT   10, -3, +1, 10_0 (= 100)                    -> int
//   FLOAT 0.5, 1e-3, 3.1_4, inf, -INF, nan, NaN       -> float
//   BOOL  true, False, trUe (any case)                -> bool
//   NULL  null, NULL, nUlL (any case)                 -> null
//   'a', "a"                                          -> string (backslashes kept, except
//                                                        before a quote: see unquote())
// Anything made of several tokens is a string: 0x1F (0 then x1F), 4GB, a b, lr_${x}; blanks at
// its ends are dropped and `\,` `\ ` `\\` ... are unescaped.
// Python's int()/float()/str() rules are here too, for the casts int(), float(), str().
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/config/override_lexer.h"

namespace pgd::config {

// The value of a primitive: tokens[begin, end) of `text` (the whole override, for errors).
nlohmann::json primitive_value(const std::vector<Token>& tokens, size_t begin, size_t end,
                               const std::string& text);

// The text of a quoted value (with its quotes). Only backslashes before a quote are escapes:
// `'foo \'bar'` -> foo 'bar; `"foo\bar"` -> foo\bar; `'foo bar\\'` -> foo bar\ (a run of 2n
// backslashes before the closing quote stands for n).
std::string unquote(const std::string& quoted);

// `s` as a single-quoted override value that unquote() reads back exactly.
std::string quote(const std::string& s);

// `s` with the characters that are syntax in unquoted values escaped (`a,b` -> `a\,b`).
std::string escape_unquoted(const std::string& s);

// Python's int(str) and float(str): blanks around, one '_' between digits, float also takes
// inf/infinity/nan in any case. False when `text` is not such a number or an int does not fit
// in 64 bits (*overflow then says so).
bool python_int(const std::string& text, int64_t* out, bool* overflow = nullptr);
bool python_float(const std::string& text, double* out);

// Python's repr of a float: 0.001, 1e-05, 1e+16, 1.0, inf, nan.
std::string python_float_repr(double v);

// Python's str() of a value, as OmegaConf uses it to put a value into a string: True, None,
// 0.001, [1, 'a'], {'a': 1}.
std::string python_str(const nlohmann::json& value);

}  // namespace pgd::config
