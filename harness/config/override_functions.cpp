#include "harness/config/override_functions.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "harness/config/config_error.h"
#include "harness/config/hydra_typing.h"
#include "harness/config/string_util.h"
#include "harness/config/sweep_enumerate.h"

namespace pgd::config {
namespace {

using Json = nlohmann::json;

[[noreturn]] void fail(const std::string& message) { throw ConfigError(message); }

// Python's type names, since the messages follow Python's ("'<' not supported between
// instances of 'str' and 'int'").
std::string py_type(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "NoneType";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::number_float:
      return "float";
    case Json::value_t::string:
      return "str";
    case Json::value_t::array:
      return "list";
    case Json::value_t::object:
      return "dict";
    default:
      return "int";
  }
}

std::string type_of(const OverrideValue& v) {
  return v.is_sweep() ? sweep_kind_name(*v.sweep) + " sweep" : py_type(v.element);
}

// ---- argument binding (Python's inspect.Signature.bind) ----

struct Signature {
  std::vector<std::string> positional;  // parameters that take positional arguments
  size_t required = 0;                  // how many of them have no default
  bool varargs = false;                 // *args: takes the positional arguments instead
  std::vector<std::string> keywords;    // keyword-only parameters
};

struct Bound {
  std::vector<OverrideValue> args;             // *args
  std::map<std::string, OverrideValue> named;  // every other parameter given

  const OverrideValue* get(const std::string& name) const {
    auto it = named.find(name);
    return it == named.end() ? nullptr : &it->second;
  }
};

Bound bind(const FunctionCall& call, const Signature& sig) {
  Bound b;
  if (sig.varargs) {
    b.args = call.args;
  } else {
    if (call.args.size() > sig.positional.size()) fail("too many positional arguments");
    for (size_t i = 0; i < call.args.size(); ++i) b.named[sig.positional[i]] = call.args[i];
  }
  for (const auto& [name, value] : call.kwargs) {
    bool known = std::count(sig.keywords.begin(), sig.keywords.end(), name) ||
                 (!sig.varargs && std::count(sig.positional.begin(), sig.positional.end(), name));
    if (!known) fail("got an unexpected keyword argument '" + name + "'");
    if (!b.named.emplace(name, value).second) fail("multiple values for argument '" + name + "'");
  }
  for (size_t i = 0; i < sig.required; ++i)
    if (!b.named.count(sig.positional[i]))
      fail("missing a required argument: '" + sig.positional[i] + "'");
  return b;
}

const Json& element_arg(const OverrideValue& v, const std::string& what) {
  if (v.is_sweep())
    fail(what + " must be a value, not a " + type_of(v) +
         " (nested sweeps "
         "are not supported)");
  return v.element;
}

Sweep simple_choice(const std::vector<OverrideValue>& args, const std::string& fn) {
  Sweep s;
  s.simple_form = true;
  for (const auto& a : args) s.choices.push_back(element_arg(a, fn + "() argument"));
  return s;
}

// ---- casts ----

enum class Cast { kInt, kFloat, kStr, kBool };

const char* cast_name(Cast c) {
  switch (c) {
    case Cast::kInt:
      return "int";
    case Cast::kFloat:
      return "float";
    case Cast::kStr:
      return "str";
    case Cast::kBool:
      return "bool";
  }
  return "";
}

Json to_int(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_integer()) return v;
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isnan(d)) fail("cannot convert float NaN to integer");
    if (std::isinf(d)) fail("cannot convert float infinity to integer");
    if (std::fabs(d) >= 9.2e18) fail("int(" + python_float_repr(d) + ") does not fit in 64 bits");
    return static_cast<int64_t>(std::trunc(d));
  }
  if (v.is_string()) {
    int64_t out = 0;
    bool overflow = false;
    if (python_int(v.get<std::string>(), &out, &overflow)) return out;
    if (overflow) fail("int('" + v.get<std::string>() + "') does not fit in 64 bits");
    fail("invalid literal for int() with base 10: '" + v.get<std::string>() + "'");
  }
  fail("int() cannot cast " + py_type(v));
}

Json to_float(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    double out = 0;
    if (python_float(v.get<std::string>(), &out)) return out;
    fail("could not convert string to float: '" + v.get<std::string>() + "'");
  }
  fail("float() cannot cast " + py_type(v));
}

Json to_str(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";  // Hydra lowercases bools
  if (v.is_number_float()) return python_float_repr(v.get<double>());
  if (v.is_number()) return v.dump();
  if (v.is_string()) return v;
  fail("str() cannot cast " + py_type(v));
}

Json to_bool(const Json& v) {
  if (v.is_null()) return false;  // Python's bool(None)
  if (v.is_boolean()) return v;
  if (v.is_number_float()) return v.get<double>() != 0.0;
  if (v.is_number()) return v.get<int64_t>() != 0;
  std::string s = v.get<std::string>();
  std::string l = s;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "true") return true;
  if (l == "false") return false;
  fail("Cannot cast '" + s + "' to bool");
}

// Lists element by element, dicts value by value (keys stay strings), as Hydra does.
Json cast_element(Cast c, const Json& v) {
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& item : v) out.push_back(cast_element(c, item));
    return out;
  }
  if (v.is_object()) {
    Json out = Json::object();
    for (const auto& [k, item] : v.items()) out[k] = cast_element(c, item);
    return out;
  }
  switch (c) {
    case Cast::kInt:
      return to_int(v);
    case Cast::kFloat:
      return to_float(v);
    case Cast::kStr:
      return to_str(v);
    case Cast::kBool:
      return to_bool(v);
  }
  return v;
}

OverrideValue cast_value(Cast c, const OverrideValue& v) {
  if (!v.is_sweep()) return OverrideValue::of(cast_element(c, v.element));
  Sweep s = *v.sweep;
  const bool numeric = c == Cast::kInt || c == Cast::kFloat;
  switch (s.kind) {
    case Sweep::Kind::kChoice:
      for (auto& item : s.choices) item = cast_element(c, item);
      break;
    case Sweep::Kind::kRange:
      if (!numeric) fail("Range can only be cast to int or float");
      for (Json* p : {&s.start, &s.stop, &s.step}) *p = cast_element(c, *p);
      break;
    case Sweep::Kind::kInterval:
      if (!numeric) fail(std::string("Intervals cannot be cast to ") + cast_name(c));
      for (Json* p : {&s.start, &s.stop}) *p = cast_element(c, *p);
      break;
    case Sweep::Kind::kGlob:
      fail(std::string(cast_name(c)) + "() cannot cast a glob");
  }
  return OverrideValue::of(std::move(s));
}

OverrideValue call_cast(Cast c, const FunctionCall& call) {
  Bound b = bind(call, {{}, 0, true, {"value"}});
  const OverrideValue* value = b.get("value");
  if (value && !b.args.empty()) fail("cannot use both position and named arguments");
  if (value) return cast_value(c, *value);
  if (b.args.empty()) fail("No positional args or value specified");
  if (b.args.size() == 1) return cast_value(c, b.args[0]);
  return cast_value(c, OverrideValue::of(simple_choice(b.args, cast_name(c))));
}

// ---- sweeps ----

OverrideValue call_choice(const FunctionCall& call) {
  Bound b = bind(call, {{}, 0, true, {}});
  if (b.args.empty()) fail("empty choice is not legal");
  if (b.args.size() == 1 && b.args[0].is_sweep() && b.args[0].sweep->kind == Sweep::Kind::kChoice) {
    Sweep s = *b.args[0].sweep;
    if (!s.simple_form) fail("nesting choices is not supported");
    s.simple_form = false;  // choice(int(1,2)): the cast's choice becomes this one
    return OverrideValue::of(std::move(s));
  }
  Sweep s;
  for (const auto& a : b.args) {
    const Json& v = element_arg(a, "a choice() value");
    if (v.is_null())
      fail(
          "choice() does not take null (Hydra's signature); the simple form "
          "null,b does");
    s.choices.push_back(v);
  }
  return OverrideValue::of(std::move(s));
}

const Json& number_arg(const Bound& b, const std::string& fn, const std::string& name) {
  const Json& v = element_arg(*b.get(name), fn + "() argument '" + name + "'");
  if (!v.is_number())
    fail(fn + "() argument '" + name + "' must be an int or a float, not " + py_type(v) +
         (v.is_string() ? " '" + v.get<std::string>() + "'" : ""));
  return v;
}

OverrideValue call_range(const FunctionCall& call) {
  Bound b = bind(call, {{"start", "stop", "step"}, 1, false, {}});
  Sweep s;
  s.kind = Sweep::Kind::kRange;
  s.start = number_arg(b, "range", "start");
  const OverrideValue* stop = b.get("stop");
  if (!stop || (!stop->is_sweep() && stop->element.is_null())) {
    s.stop = s.start;  // range(stop)
    s.start = 0;
  } else {
    s.stop = number_arg(b, "range", "stop");
  }
  s.step = b.get("step") ? number_arg(b, "range", "step") : Json(1);
  return OverrideValue::of(std::move(s));
}

OverrideValue call_interval(const FunctionCall& call) {
  Bound b = bind(call, {{"start", "end"}, 2, false, {}});
  Sweep s;
  s.kind = Sweep::Kind::kInterval;
  s.start = number_arg(b, "interval", "start").get<double>();
  s.stop = number_arg(b, "interval", "end").get<double>();
  return OverrideValue::of(std::move(s));
}

OverrideValue call_tag(const FunctionCall& call) {
  Bound b = bind(call, {{}, 0, true, {"sweep"}});
  std::vector<OverrideValue> args = b.args;
  if (const OverrideValue* sweep = b.get("sweep")) args.push_back(*sweep);
  if (args.empty()) fail("Not enough arguments to tag, must take at least a sweep");
  const OverrideValue& last = args.back();
  if (!last.is_sweep() || last.sweep->kind == Sweep::Kind::kGlob)
    fail("Last argument to tag() must be a choice(), range() or interval(), got " + type_of(last));
  Sweep s = *last.sweep;
  s.tags.clear();
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i].is_sweep() || !args[i].element.is_string())
      fail("tag arguments type must be string, got " + type_of(args[i]));
    s.tags.insert(args[i].element.get<std::string>());
  }
  return OverrideValue::of(std::move(s));
}

// ---- sort and shuffle ----

int compare_values(const Json& a, const Json& b);

[[noreturn]] void not_comparable(const Json& a, const Json& b) {
  fail("'<' not supported between instances of '" + py_type(a) + "' and '" + py_type(b) + "'");
}

// Python's ordering: numbers (bools included) by value, strings by code units, lists
// element by element; anything else cannot be compared.
int compare_values(const Json& a, const Json& b) {
  if (a.is_number() || a.is_boolean()) {
    if (!(b.is_number() || b.is_boolean())) not_comparable(a, b);
    double x = a.is_boolean() ? a.get<bool>() : a.get<double>();
    double y = b.is_boolean() ? b.get<bool>() : b.get<double>();
    if (a.is_number_integer() && b.is_number_integer()) {
      int64_t i = a.get<int64_t>(), j = b.get<int64_t>();
      return i < j ? -1 : (i > j ? 1 : 0);
    }
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) return a.get<std::string>().compare(b.get<std::string>());
  if (a.is_array() && b.is_array()) {
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
      if (int c = compare_values(a[i], b[i])) return c;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  }
  not_comparable(a, b);
}

void sort_values(std::vector<Json>& values, bool reverse) {
  // Stable, so equal values keep their order, as in Python's sorted (reverse included).
  std::stable_sort(values.begin(), values.end(), [&](const Json& a, const Json& b) {
    return reverse ? compare_values(b, a) < 0 : compare_values(a, b) < 0;
  });
}

Json sorted_list(const Json& list, bool reverse) {
  std::vector<Json> items = list.get<std::vector<Json>>();
  sort_values(items, reverse);
  return Json(items);
}

Sweep sorted_sweep(const OverrideValue& v, bool reverse) {
  Sweep s = *v.sweep;
  if (s.kind == Sweep::Kind::kChoice)
    sort_values(s.choices, reverse);
  else if (s.kind == Sweep::Kind::kRange)
    s.sort_reverse = reverse;
  else
    fail("sort() takes a choice or a range, not an " + type_of(v));
  return s;
}

bool is_primitive(const OverrideValue& v) {
  return !v.is_sweep() && !v.element.is_null() && !v.element.is_structured();
}

const Json& list_arg(const OverrideValue& v, const std::string& fn) {
  if (v.is_sweep() || !v.element.is_array())
    fail(fn + "() argument 'list' must be a list, not " + type_of(v));
  return v.element;
}

OverrideValue call_sort(const FunctionCall& call) {
  Bound b = bind(call, {{}, 0, true, {"sweep", "list", "reverse"}});
  bool reverse = false;
  if (const OverrideValue* r = b.get("reverse")) {
    if (r->is_sweep() || !r->element.is_boolean())
      fail("sort() argument 'reverse' must be true or false, not " + type_of(*r));
    reverse = r->element.get<bool>();
  }
  if (const OverrideValue* list = b.get("list"))
    return OverrideValue::of(sorted_list(list_arg(*list, "sort"), reverse));
  if (const OverrideValue* sweep = b.get("sweep")) {
    if (!sweep->is_sweep()) fail("sort() argument 'sweep' must be a choice or a range");
    return OverrideValue::of(sorted_sweep(*sweep, reverse));
  }
  if (b.args.size() == 1) {
    const OverrideValue& arg = b.args[0];
    if (arg.is_sweep()) return OverrideValue::of(sorted_sweep(arg, reverse));
    if (arg.element.is_array()) return OverrideValue::of(sorted_list(arg.element, reverse));
    return arg;  // one value is already sorted
  }
  if (b.args.empty()) fail("empty sort input");
  for (const auto& a : b.args)
    if (!is_primitive(a))
      fail("Invalid arguments: sort(a, b, ...) takes plain values, not " + type_of(a));
  Sweep s = simple_choice(b.args, "sort");
  sort_values(s.choices, reverse);
  return OverrideValue::of(std::move(s));
}

Json shuffled_list(const Json& list, const FunctionContext& context) {
  std::vector<Json> items = list.get<std::vector<Json>>();
  if (context.seed)
    seeded_shuffle(items, *context.seed, context.key);
  else if (context.needs_seed)
    *context.needs_seed = true;
  return Json(items);
}

Sweep shuffled_sweep(const OverrideValue& v) {
  if (v.sweep->kind != Sweep::Kind::kChoice && v.sweep->kind != Sweep::Kind::kRange)
    fail("shuffle() takes a choice or a range, not an " + type_of(v));
  Sweep s = *v.sweep;
  s.shuffle = true;
  return s;
}

OverrideValue call_shuffle(const FunctionCall& call, const FunctionContext& context) {
  Bound b = bind(call, {{}, 0, true, {"sweep", "list"}});
  if (const OverrideValue* list = b.get("list"))
    return OverrideValue::of(shuffled_list(list_arg(*list, "shuffle"), context));
  if (const OverrideValue* sweep = b.get("sweep")) {
    if (!sweep->is_sweep()) fail("shuffle() argument 'sweep' must be a choice or a range");
    return OverrideValue::of(shuffled_sweep(*sweep));
  }
  if (b.args.size() == 1) {
    const OverrideValue& arg = b.args[0];
    if (arg.is_sweep()) return OverrideValue::of(shuffled_sweep(arg));
    if (arg.element.is_array()) return OverrideValue::of(shuffled_list(arg.element, context));
    return OverrideValue::of(Json::array({arg.element}));  // Hydra: shuffle(x) is [x]
  }
  if (b.args.empty()) fail("shuffle() needs values to shuffle");
  Sweep s = simple_choice(b.args, "shuffle");
  s.shuffle = true;
  return OverrideValue::of(std::move(s));
}

std::vector<std::string> patterns(const OverrideValue& v, const std::string& name) {
  const std::string expected =
      "glob() argument '" + name + "' must be a string or a list of " + "strings, not ";
  if (v.is_sweep()) fail(expected + type_of(v));
  if (v.element.is_string()) return {v.element.get<std::string>()};
  if (!v.element.is_array()) fail(expected + py_type(v.element));
  std::vector<std::string> out;
  for (const auto& p : v.element) {
    if (!p.is_string()) fail(expected + "a list holding " + py_type(p));
    out.push_back(p.get<std::string>());
  }
  return out;
}

OverrideValue call_glob(const FunctionCall& call) {
  Bound b = bind(call, {{"include", "exclude"}, 1, false, {}});
  Sweep s;
  s.kind = Sweep::Kind::kGlob;
  s.include = patterns(*b.get("include"), "include");
  const OverrideValue* exclude = b.get("exclude");
  if (exclude && !(!exclude->is_sweep() && exclude->element.is_null()))
    s.exclude = patterns(*exclude, "exclude");
  return OverrideValue::of(std::move(s));
}

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = {"bool", "choice",   "float", "glob",
                                                 "int",  "interval", "range", "shuffle",
                                                 "sort", "str",      "tag"};
  return names;
}

}  // namespace

OverrideValue call_function(const FunctionCall& call, const FunctionContext& context) {
  const std::string& n = call.name;
  if (n == "int") return call_cast(Cast::kInt, call);
  if (n == "float") return call_cast(Cast::kFloat, call);
  if (n == "str") return call_cast(Cast::kStr, call);
  if (n == "bool") return call_cast(Cast::kBool, call);
  if (n == "choice") return call_choice(call);
  if (n == "range") return call_range(call);
  if (n == "interval") return call_interval(call);
  if (n == "tag") return call_tag(call);
  if (n == "sort") return call_sort(call);
  if (n == "shuffle") return call_shuffle(call, context);
  if (n == "glob") return call_glob(call);
  if (n == "json_str" || n == "extend_list")
    fail(n + "() is deprecated in Hydra (removed in 1.5) and not supported here");
  fail("unknown function '" + n + "'" + did_you_mean_clause(n, function_names()) + "functions: " +
       join(function_names()) + " (escape the parenthesis, \\(, or quote the value for a literal)");
}

}  // namespace pgd::config
