// parse_override: a recursive-descent reading of Hydra's OverrideParser.g4.
//   override: key '=' value? | '~' key ('=' value?)? | '+' '+'? key '=' value?
//   value: element (',' element)*           (two or more elements: a simple choice sweep)
//   element: function | list | dict | primitive
//   function: ID '(' (argName? element (',' argName? element)*)? ')'     argName: ID '='
//   list: '[' (element (',' element)*)? ']'
//   dict: '{' (dictKey ':' element (',' dictKey ':' element)*)? '}'
//   primitive: QUOTED | (ID|NULL|INT|FLOAT|BOOL|INTERPOLATION|UNQUOTED_CHAR|COLON|ESC|WS)+
//   dictKey: the unquoted part of primitive without COLON and INTERPOLATION
#include <algorithm>

#include "harness/config/config_error.h"
#include "harness/config/hydra_typing.h"
#include "harness/config/override.h"
#include "harness/config/override_functions.h"
#include "harness/config/override_lexer.h"

namespace pgd::config {
namespace {

using Json = nlohmann::json;
using T = TokenType;

const char* kForms = "forms: key=value, +key=value, ++key=value, ~key, ~key=value";

bool in_primitive(T t, bool dict_key) {
  switch (t) {
    case T::kId:
    case T::kNull:
    case T::kInt:
    case T::kFloat:
    case T::kBool:
    case T::kUnquotedChar:
    case T::kEsc:
    case T::kWs:
      return true;
    case T::kColon:
    case T::kInterpolation:
      return !dict_key;
    default:
      return false;
  }
}

class Parser {
 public:
  Parser(const std::string& text, const ParseOptions& options)
      : text_(text), tokens_(lex_override(text)), options_(options) {}

  Override parse() {
    Override o;
    o.text = text_;
    o.kind = parse_prefix();
    o.key = parse_key();
    if (at(T::kEnd)) {
      if (o.kind != OverrideKind::kRemove)
        error(peek(), "expected '=' and a value after the key '" + o.key + "'; " + kForms);
      return o;
    }
    if (!at(T::kEqual))
      error(peek(), "expected '=' after the key '" + o.key + "', found " + describe_token(peek()) +
                        "; " + kForms);
    o.value_text = text_.substr(peek().offset + 1);
    next();
    o.has_value = true;
    key_ = o.key;
    if (at(T::kEnd)) {
      o.value = "";  // `key=` is the empty string, as in Hydra
      return o;
    }
    OverrideValue v = parse_value();
    if (!at(T::kEnd)) trailing_text();
    o.needs_seed = needs_seed_;
    if (v.is_sweep())
      o.sweep = std::move(v.sweep);
    else
      o.value = std::move(v.element);
    return o;
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool at(T type, size_t ahead = 0) const { return peek(ahead).type == type; }
  const Token& next() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }

  [[noreturn]] void error(const Token& at_token, const std::string& problem) const {
    throw_override_error(text_, at_token.offset, problem);
  }

  void expect(T type, const std::string& what, const std::string& context) {
    if (!at(type))
      error(peek(), "expected " + what + context + ", found " + describe_token(peek()));
    next();
  }

  OverrideKind parse_prefix() {
    if (at(T::kTilde)) {
      next();
      return OverrideKind::kRemove;
    }
    if (!at(T::kPlus)) return OverrideKind::kSet;
    next();
    if (!at(T::kPlus)) return OverrideKind::kAdd;
    next();
    return OverrideKind::kForceAdd;
  }

  std::string parse_key() {
    if (!at(T::kKeyId) && !at(T::kKeySpecial) && !at(T::kDotPath))
      error(peek(), "expected a key, found " + describe_token(peek()) + "; " + kForms);
    std::string key = next().text;
    if (at(T::kAt))
      error(peek(),
            "config group packages (group@package) are not supported; choose an "
            "option with group=option");
    if (at(T::kSlash))
      error(peek(),
            "nested config groups (a/b) are not supported; groups are the folders "
            "beside config.yaml");
    return key;
  }

  OverrideValue parse_value() {
    const Token& first = peek();
    OverrideValue v = parse_element();
    if (!at(T::kComma)) return v;
    Sweep s;
    s.simple_form = true;
    s.choices.push_back(sweep_item(v, first));
    while (at(T::kComma)) {
      next();
      const Token& item = peek();
      s.choices.push_back(sweep_item(parse_element(), item));
    }
    return OverrideValue::of(std::move(s));
  }

  Json sweep_item(const OverrideValue& v, const Token& where) const {
    if (v.is_sweep())
      error(where, "a " + sweep_kind_name(*v.sweep) +
                       " sweep cannot be one value of the sweep "
                       "a,b,... (nested sweeps are not supported)");
    return v.element;
  }

  Json element_in(const std::string& container) {
    const Token& start = peek();
    OverrideValue v = parse_element();
    if (v.is_sweep())
      error(start, "a " + sweep_kind_name(*v.sweep) + " sweep cannot be inside a " + container +
                       "; a sweep is the whole value (key=choice(a,b))");
    return std::move(v.element);
  }

  OverrideValue parse_element() {
    const Token& t = peek();
    if (t.type == T::kId && at(T::kPopen, 1)) return parse_function();
    if (t.type == T::kBracketOpen) return OverrideValue::of(parse_list());
    if (t.type == T::kBraceOpen) return OverrideValue::of(parse_dict());
    if (t.type == T::kQuoted) {
      next();
      return OverrideValue::of(unquote(t.text));
    }
    if (!in_primitive(t.type, false)) error(t, "expected a value, found " + describe_token(t));
    return OverrideValue::of(parse_primitive(false));
  }

  Json parse_primitive(bool dict_key) {
    size_t begin = pos_;
    while (in_primitive(peek().type, dict_key)) next();
    return primitive_value(tokens_, begin, pos_, text_);
  }

  // '[' or '{' (already seen), then items separated by commas, then `close`.
  template <class Item>
  void bracketed(T close, const std::string& closer, const std::string& where, Item item) {
    next();
    if (at(close)) {
      next();
      return;
    }
    item();
    while (at(T::kComma)) {
      next();
      item();
    }
    expect(close, "',' or '" + closer + "'", " in the " + where);
  }

  Json parse_list() {
    Json list = Json::array();
    bracketed(T::kBracketClose, "]", "list", [&] { list.push_back(element_in("list")); });
    return list;
  }

  Json parse_dict() {
    Json dict = Json::object();
    bracketed(T::kBraceClose, "}", "mapping", [&] { parse_dict_entry(dict); });
    return dict;
  }

  void parse_dict_entry(Json& dict) {
    const Token& start = peek();
    if (start.type == T::kQuoted)
      error(start,
            "a mapping key cannot be quoted (Hydra's grammar); escape special "
            "characters in it with '\\' instead");
    if (!in_primitive(start.type, true))
      error(start, "expected a mapping key, found " + describe_token(start));
    // Keys are strings, the text as typed ({1: a} has the key "1"), as in YAML files.
    Json key = parse_primitive(true);
    std::string name = key.is_string() ? key.get<std::string>() : primitive_text(start.offset);
    expect(T::kColon, "':'", " after the mapping key '" + name + "'");
    dict[name] = element_in("mapping");  // a repeated key: the last one wins, as in Python
  }

  // The text of a one-token key such as 1, 1e3 or null, without the blanks around it.
  std::string primitive_text(size_t offset) const {
    std::string raw = text_.substr(offset, peek().offset - offset);
    size_t b = raw.find_first_not_of(" \t"), e = raw.find_last_not_of(" \t");
    return raw.substr(b, e - b + 1);
  }

  OverrideValue parse_function() {
    const Token& name = next();
    next();  // '('
    FunctionCall call{name.text, {}, {}};
    const std::string context = " in the call " + name.text + "(...)";
    const std::string unclosed = "the call " + name.text + "( is never closed; expected ')'";
    auto argument = [&] {
      if (at(T::kEnd)) error(peek(), unclosed);
      parse_argument(call);
    };
    if (!at(T::kPclose)) {
      argument();
      while (at(T::kComma)) {
        next();
        argument();
      }
    }
    if (at(T::kEnd)) error(peek(), unclosed);
    expect(T::kPclose, "',' or ')'", context);
    size_t end = pos_ < tokens_.size() ? peek().offset : text_.size();
    std::string source = text_.substr(name.offset, end - name.offset);
    try {
      return call_function(call, {key_, options_.seed, &needs_seed_});
    } catch (const ConfigError& e) {
      error(name, source + ": " + e.what());
    }
  }

  void parse_argument(FunctionCall& call) {
    if (at(T::kId) && at(T::kEqual, 1)) {
      std::string name = next().text;
      next();  // '='
      call.kwargs.emplace_back(name, parse_element());
      return;
    }
    if (!call.kwargs.empty()) error(peek(), "positional argument follows keyword argument");
    call.args.push_back(parse_element());
  }

  void trailing_text() const {
    size_t i = pos_;
    while (tokens_[i].type == T::kWs) ++i;  // the text that follows is what the user sees
    const Token& t = tokens_[i];
    if (t.type == T::kEnd)  // only blanks after a quoted value, a list or a call
      error(tokens_[pos_], "blanks after the value; remove them or quote the whole value");
    error(t,
          "unexpected " + describe_token(t) +
              " after the value; expected the end of the "
              "override (quote the value or escape the character with '\\' if it belongs to it)");
  }

  const std::string& text_;
  std::vector<Token> tokens_;
  ParseOptions options_;
  size_t pos_ = 0;
  std::string key_;
  bool needs_seed_ = false;
};

}  // namespace

Override parse_override(const std::string& text, const ParseOptions& options) {
  return Parser(text, options).parse();
}

}  // namespace pgd::config
