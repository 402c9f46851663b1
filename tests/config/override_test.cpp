// The override grammar and typing, case by case against Hydra (facebookresearch/hydra,
// tests/test_overrides_parser.py and the override-grammar docs): each case checks the value
// and its JSON type, or the exact error with its column.
#include "harness/config/override.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/config_error.h"

namespace pgd::config {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

std::string error_of(const std::string& text) {
  try {
    parse_override(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

Json value_of(const std::string& value_text) {
  Override o = parse_override("k=" + value_text);
  EXPECT_FALSE(o.sweep) << value_text << " sweeps";
  return o.value;
}

// The value of `k=<text>` equals `expected`, with the same JSON type (1 and 1.0 differ).
void expect_value(const std::string& text, const Json& expected) {
  Json v = value_of(text);
  EXPECT_EQ(v.type(), expected.type()) << "k=" << text << " gave " << v.dump();
  if (expected.is_number_float() && std::isnan(expected.get<double>()))
    EXPECT_TRUE(v.is_number_float() && std::isnan(v.get<double>())) << text;
  else
    EXPECT_EQ(v, expected) << "k=" << text;
}

TEST(ParseOverride, EachForm) {
  Override set = parse_override("train.epochs=3");
  EXPECT_EQ(set.kind, OverrideKind::kSet);
  EXPECT_EQ(set.key, "train.epochs");
  EXPECT_TRUE(set.has_value);
  EXPECT_EQ(set.value_text, "3");

  EXPECT_EQ(parse_override("+train.new=1").kind, OverrideKind::kAdd);
  Override force = parse_override("++train.new=1");
  EXPECT_EQ(force.kind, OverrideKind::kForceAdd);
  EXPECT_EQ(force.key, "train.new");

  Override remove = parse_override("~train.epochs");
  EXPECT_EQ(remove.kind, OverrideKind::kRemove);
  EXPECT_FALSE(remove.has_value);
  EXPECT_TRUE(remove.value.is_null());

  Override remove_if = parse_override("~train.epochs=3");
  EXPECT_EQ(remove_if.kind, OverrideKind::kRemove);
  EXPECT_TRUE(remove_if.has_value);
  EXPECT_EQ(remove_if.value, Json(3));

  Override group = parse_override("dataset=panda");
  EXPECT_EQ(group.value, Json("panda"));
  EXPECT_EQ(group.text, "dataset=panda");
}

TEST(ParseOverride, KeysFollowTheGrammar) {
  EXPECT_EQ(parse_override("list.0=5").key, "list.0");
  EXPECT_EQ(parse_override("a.b-c.d_e=1").key, "a.b-c.d_e");
  EXPECT_EQ(parse_override("$foo.bar$=1").key, "$foo.bar$");
  EXPECT_EQ(parse_override("choice=reverse").value, Json("reverse"));  // a function name as key
  EXPECT_EQ(split_key("a.0.b"), (std::vector<std::string>{"a", "0", "b"}));
}

TEST(HydraTyping, Integers) {
  expect_value("0", 0);
  expect_value("-1", -1);
  expect_value("+1", 1);
  expect_value("10_0", 100);
  expect_value("1_000_000", 1000000);
  expect_value("1___0___", "1___0___");  // not an int: a string
  expect_value("0x1F", "0x1F");          // hex is YAML's, not Hydra's: the int 0 then a word
  expect_value("0o17", "0o17");
  expect_value("007", "007");
  expect_value("9223372036854775807", INT64_MAX);
}

TEST(HydraTyping, Floats) {
  expect_value("0.51", 0.51);
  expect_value("1e-05", 1e-05);
  expect_value("1e3", 1000.0);
  expect_value("-3.14", -3.14);
  expect_value("3.1_4", 3.14);
  expect_value("10e0", 10.0);
  expect_value("-10e1", -100.0);
  expect_value(".5", 0.5);
  expect_value("1.", 1.0);
  expect_value("inf", INFINITY);
  expect_value("INF", INFINITY);
  expect_value("+inf", INFINITY);
  expect_value("-inf", -INFINITY);
  expect_value("nan", NAN);
  expect_value("NaN", NAN);
  expect_value(".inf", ".inf");  // YAML's spelling is a string here
  expect_value("info", "info");  // the longest match is a word
}

TEST(HydraTyping, BoolsAndNullInAnyCase) {
  for (const char* t : {"true", "True", "TRUE", "trUe"}) expect_value(t, true);
  for (const char* t : {"false", "False", "FALSE", "faLse"}) expect_value(t, false);
  for (const char* t : {"null", "NULL", "Null", "nUlL"}) expect_value(t, nullptr);
  expect_value("yes", "yes");
  expect_value("value-true", "value-true");
}

TEST(HydraTyping, UnquotedStrings) {
  expect_value("abc", "abc");
  expect_value("abc-123", "abc-123");
  expect_value("123abc", "123abc");
  expect_value("4GB", "4GB");
  expect_value("data/x.csv", "data/x.csv");
  expect_value("mobilenetv2-0.25", "mobilenetv2-0.25");
  expect_value("c:\\foo\\a-b.txt", "c:\\foo\\a-b.txt");
  expect_value("/-\\+.$%*@?|", "/-\\+.$%*@?|");
  expect_value("a b c\t-\t1 2 3", "a b c\t-\t1 2 3");
  expect_value(" abc-123 ", "abc-123");  // blanks at the ends are dropped
  expect_value("a: b", "a: b");
  expect_value("", "");
}

TEST(HydraTyping, EscapedCharactersInUnquotedValues) {
  expect_value("a\\,b", "a,b");  // one string, not a sweep
  expect_value("a\\:b", "a:b");
  expect_value("a\\=b", "a=b");
  expect_value("\\ ab", " ab");
  expect_value("ab\\\t", "ab\t");
  expect_value("ab\\\\", "ab\\");
  expect_value("f\\(a\\, b\\)", "f(a, b)");
  expect_value("\\[a\\, b\\]", "[a, b]");
  expect_value("\\{a\\: b\\}", "{a: b}");
  expect_value("$\\{foo.bar\\}", "${foo.bar}");
}

TEST(HydraTyping, QuotedStringsAndTheirEscapes) {
  expect_value("'foo \\'bar'", "foo 'bar");
  expect_value("\"foo \\\"bar\"", "foo \"bar");
  expect_value("'foo \\\\\\'bar'", "foo \\'bar");
  expect_value("'foo\\bar'", "foo\\bar");
  expect_value("\"foo\\bar\"", "foo\\bar");  // the backslash is kept, not a backspace
  expect_value("'foo\\\\bar'", "foo\\\\bar");
  expect_value("'foo bar\\\\'", "foo bar\\");  // two before the closing quote stand for one
  expect_value("'foo \\\\\\\\\\'bar\\' \\\\\\\\\\\\'", "foo \\\\'bar' \\\\\\");
  expect_value("'\t []{},=+~'", "\t []{},=+~");
  expect_value("'a,b'", "a,b");
  expect_value("'[1,2,3]'", "[1,2,3]");
  expect_value("\"[1,'2',3]\"", "[1,'2',3]");
  expect_value("'null'", "null");
  expect_value("'100'", "100");
  expect_value("'true'", "true");
  expect_value("'a ${b}'", "a ${b}");
  expect_value("'a \\${b}'", "a \\${b}");
  expect_value("'ünïcode'", "ünïcode");
  expect_value("''", "");
}

TEST(HydraTyping, Lists) {
  expect_value("[]", Json::array());
  expect_value("[1]", Json::array({1}));
  expect_value("[1 ]", Json::array({1}));
  expect_value("[1, 2, 3]", Json::array({1, 2, 3}));
  expect_value("[a,[b,[c]]]", Json::parse(R"(["a", ["b", ["c"]]])"));
  expect_value("['a b', \"c,d\"]", Json::array({"a b", "c,d"}));
  expect_value("['a\\\\', 'b\\\\']", Json::array({"a\\", "b\\"}));
  expect_value("[true, 1.5, null, x]", Json::parse(R"([true, 1.5, null, "x"])"));
}

TEST(HydraTyping, Mappings) {
  expect_value("{}", Json::object());
  expect_value("{a:1,b:2}", Json::parse(R"({"a": 1, "b": 2})"));
  expect_value("{a: [a, 10], b: {c: [1, 2]}}",
               Json::parse(R"({"a": ["a", 10], "b": {"c": [1, 2]}})"));
  expect_value("{white spaces: 1}", Json::parse(R"({"white spaces": 1})"));
  expect_value("{ white  space\t: 2}", Json::parse(R"({"white  space": 2})"));
  expect_value("{123id: 0}", Json::parse(R"({"123id": 0})"));
  // Keys are strings, the text as typed (Hydra keeps 1 as an int key; JSON keys are text).
  expect_value("{1: a, null: b, 1e3: c, true: d}",
               Json::parse(R"({"1": "a", "null": "b", "1e3": "c", "true": "d"})"));
  expect_value("{a\\:b: 1}", Json::parse(R"({"a:b": 1})"));
  expect_value("{a: 'a\\\\', b: \"b\\\\\"}", Json::parse(R"({"a": "a\\", "b": "b\\"})"));
  expect_value("{a: 1, a: 2}", Json::parse(R"({"a": 2})"));  // the last wins, as in Python
}

TEST(HydraTyping, InterpolationsAreTextUntilComposed) {
  expect_value("${a.b}", "${a.b}");
  expect_value("xyz_${a.b.c}", "xyz_${a.b.c}");
  expect_value("${foo:1,2,3}", "${foo:1,2,3}");  // one token: the comma does not sweep
}

TEST(HydraFunctions, CastsOfValues) {
  expect_value("int(10.0)", 10);
  expect_value("int(-1.9)", -1);
  expect_value("int('7')", 7);
  expect_value("int(' 1_0 ')", 10);
  expect_value("int(true)", 1);
  expect_value("float(10)", 10.0);
  expect_value("float('1e3')", 1000.0);
  expect_value("float(float(10))", 10.0);
  expect_value("str(10.0)", "10.0");
  expect_value("str(1e-5)", "1e-05");
  expect_value("str(true)", "true");
  expect_value("str(inf)", "inf");
  expect_value("bool(10.0)", true);
  expect_value("bool(0)", false);
  expect_value("bool('FALSE')", false);
  expect_value("bool(null)", false);
  expect_value("str([1,2])", Json::array({"1", "2"}));
  expect_value("int({a: '1', b: 2.5})", Json::parse(R"({"a": 1, "b": 2})"));
  expect_value("float(value=1)", 1.0);
  expect_value("str ( 3 )", "3");
}

TEST(HydraFunctions, SortAndShuffleOfValues) {
  expect_value("sort([2,3,1])", Json::array({1, 2, 3}));
  expect_value("sort([2,3,1],reverse=true)", Json::array({3, 2, 1}));
  expect_value("sort(list=[b, a])", Json::array({"a", "b"}));
  expect_value("sort(1)", 1);
  expect_value("sort({a:10})", Json::parse(R"({"a": 10})"));
  expect_value("shuffle(5)", Json::array({5}));  // Hydra: shuffle of one value is a list
  const int64_t seed = 42;
  Override a = parse_override("k=shuffle([1,2,3,4,5,6])", {&seed});
  Override b = parse_override("k=shuffle(list=[1,2,3,4,5,6])", {&seed});
  EXPECT_EQ(a.value, b.value);
  EXPECT_NE(a.value, Json::array({1, 2, 3, 4, 5, 6}));
  Json sorted = a.value;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, Json::array({1, 2, 3, 4, 5, 6}));
  EXPECT_FALSE(a.needs_seed);
  Override unseeded = parse_override("k=shuffle([1,2,3])");
  EXPECT_TRUE(unseeded.needs_seed);  // compose gives it the config's seed
}

TEST(HydraFunctions, SweepsParseToSweeps) {
  Override simple = parse_override("k=a, 10, 3.14");
  ASSERT_TRUE(simple.sweep);
  EXPECT_TRUE(simple.sweep->simple_form);
  EXPECT_EQ(simple.sweep->choices, (std::vector<Json>{"a", 10, 3.14}));
  Override choice = parse_override("k=choice( 10 , 20 )");
  ASSERT_TRUE(choice.sweep);
  EXPECT_FALSE(choice.sweep->simple_form);
  Override range = parse_override("k=range(1.0, 3.14, 0.1)");
  ASSERT_TRUE(range.sweep);
  EXPECT_EQ(range.sweep->kind, Sweep::Kind::kRange);
  EXPECT_TRUE(range.sweep->start.is_number_float());
  Override interval = parse_override("k=interval(start=2, end=3)");
  ASSERT_TRUE(interval.sweep);
  EXPECT_EQ(interval.sweep->start, Json(2.0));
  EXPECT_TRUE(interval.sweep->start.is_number_float());
  Override tagged = parse_override("k=tag(a,b,choice([1,2],[3,4]))");
  ASSERT_TRUE(tagged.sweep);
  EXPECT_EQ(tagged.sweep->tags, (std::set<std::string>{"a", "b"}));
  Override glob = parse_override("k=glob([a*, b*], exclude=c)");
  ASSERT_TRUE(glob.sweep);
  EXPECT_EQ(glob.sweep->include, (std::vector<std::string>{"a*", "b*"}));
  EXPECT_EQ(glob.sweep->exclude, (std::vector<std::string>{"c"}));
}

TEST(ParseErrors, TextAfterAValueIsNeverDropped) {
  EXPECT_EQ(error_of("k=[]aa"),
            "override 'k=[]aa' at column 5: unexpected 'aa' after the value; expected the end "
            "of the override (quote the value or escape the character with '\\' if it belongs "
            "to it)");
  EXPECT_THAT(error_of("k='a' junk"),
              HasSubstr("override 'k='a' junk' at column 7: unexpected 'junk' after the value"));
  EXPECT_THAT(error_of("k='a'b"), HasSubstr("at column 6: unexpected 'b' after the value"));
  EXPECT_EQ(error_of("k='a' "),
            "override 'k='a' ' at column 6: blanks after the value; remove them or quote the "
            "whole value");
  EXPECT_THAT(error_of("k=[1,2,3]'"), HasSubstr("at column 10: the quote ' is never closed"));
  EXPECT_EQ(error_of("k=a=b"),
            "override 'k=a=b' at column 4: unexpected '=' after the value; expected the end of "
            "the override (quote the value or escape the character with '\\' if it belongs to "
            "it)");
}

TEST(ParseErrors, UnclosedCallsListsAndQuotes) {
  EXPECT_EQ(error_of("+x=int("),
            "override '+x=int(' at column 8: the call int( is never closed; expected ')'");
  EXPECT_EQ(error_of("k=[1, 2"),
            "override 'k=[1, 2' at column 8: expected ',' or ']' in the list, found the end");
  EXPECT_EQ(error_of("k={a: 1"),
            "override 'k={a: 1' at column 8: expected ',' or '}' in the mapping, found the end");
  EXPECT_EQ(error_of("k={a 1}"),
            "override 'k={a 1}' at column 7: expected ':' after the mapping key 'a 1', found "
            "'}'");
  EXPECT_EQ(error_of("k={'a': 1}"),
            "override 'k={'a': 1}' at column 4: a mapping key cannot be quoted (Hydra's "
            "grammar); escape special characters in it with '\\' instead");
  EXPECT_THAT(error_of("k='foo"), HasSubstr("at column 3: the quote ' is never closed"));
  EXPECT_THAT(error_of("k=['a\\', 'b']"), HasSubstr("at column 12: the quote ' is never closed"));
  EXPECT_EQ(error_of("k=[1]]"),
            "override 'k=[1]]' at column 6: unexpected ']' after the value; expected the end of "
            "the override (quote the value or escape the character with '\\' if it belongs to "
            "it)");
}

TEST(ParseErrors, CharactersTheGrammarDoesNotAllowUnquoted) {
  EXPECT_EQ(error_of("k=#tag"),
            "override 'k=#tag' at column 3: unexpected '#'; quote the value ('...') or escape "
            "the character with '\\'");
  EXPECT_THAT(error_of("k=~"), HasSubstr("at column 3: unexpected '~'"));
  EXPECT_THAT(error_of("k=a;b"), HasSubstr("at column 4: unexpected ';'"));
  EXPECT_THAT(error_of("k=été"), HasSubstr("at column 3: unexpected a non-ASCII character"));
  EXPECT_EQ(parse_override("k=@home").value, Json("@home"));
}

TEST(ParseErrors, MalformedKeysNameTheForms) {
  EXPECT_EQ(error_of("train.epochs"),
            "override 'train.epochs' at column 13: expected '=' and a value after the key "
            "'train.epochs'; forms: key=value, +key=value, ++key=value, ~key, ~key=value");
  EXPECT_THAT(error_of("=3"), HasSubstr("at column 1: expected a key, found '='"));
  EXPECT_THAT(error_of("++=3"), HasSubstr("at column 3: expected a key"));
  EXPECT_THAT(error_of("a..b=1"), HasSubstr("at column 2: unexpected '.' in the key"));
  EXPECT_THAT(error_of("a b=1"), HasSubstr("at column 2: unexpected ' ' in the key"));
  EXPECT_THAT(error_of("db@pkg=x"), HasSubstr("at column 3: config group packages"));
  EXPECT_THAT(error_of("a/b=x"), HasSubstr("at column 2: nested config groups"));
}

TEST(ParseErrors, FunctionsNameTheCall) {
  EXPECT_EQ(error_of("k=foo(1)"),
            "override 'k=foo(1)' at column 3: foo(1): unknown function 'foo'; functions: bool, "
            "choice, float, glob, int, interval, range, shuffle, sort, str, tag (escape the "
            "parenthesis, \\(, or quote the value for a literal)");
  EXPECT_THAT(error_of("k=chioce(a,b)"), HasSubstr("did you mean 'choice'?"));
  EXPECT_EQ(error_of("k=int(inf)"),
            "override 'k=int(inf)' at column 3: int(inf): cannot convert float infinity to "
            "integer");
  EXPECT_EQ(error_of("k=int(abc)"),
            "override 'k=int(abc)' at column 3: int(abc): invalid literal for int() with base "
            "10: 'abc'");
  EXPECT_EQ(error_of("k=float(x)"),
            "override 'k=float(x)' at column 3: float(x): could not convert string to float: "
            "'x'");
  EXPECT_EQ(error_of("k=bool(yes)"),
            "override 'k=bool(yes)' at column 3: bool(yes): Cannot cast 'yes' to bool");
  EXPECT_EQ(error_of("k=str(null)"),
            "override 'k=str(null)' at column 3: str(null): str() cannot cast NoneType");
  EXPECT_EQ(error_of("k=[1, int(x)]"),
            "override 'k=[1, int(x)]' at column 7: int(x): invalid literal for int() with base "
            "10: 'x'");
  EXPECT_EQ(error_of("k=json_str(1)"),
            "override 'k=json_str(1)' at column 3: json_str(1): json_str() is deprecated in "
            "Hydra (removed in 1.5) and not supported here");
  EXPECT_EQ(error_of("k=tag(1, choice(a))"),
            "override 'k=tag(1, choice(a))' at column 3: tag(1, choice(a)): tag arguments type "
            "must be string, got int");
  EXPECT_EQ(error_of("k=99999999999999999999"),
            "override 'k=99999999999999999999' at column 3: the integer 99999999999999999999 "
            "does not fit in 64 bits");
}

TEST(OverridePrefix, RoundTripsTheKinds) {
  for (const char* text : {"k=1", "+k=1", "++k=1", "~k=1"}) {
    Override o = parse_override(text);
    EXPECT_EQ(override_prefix(o.kind) + o.key + "=" + o.value_text, text);
  }
}

}  // namespace
}  // namespace pgd::config
