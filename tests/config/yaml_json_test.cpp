#include "harness/config/yaml_json.h"

#include <cmath>
#include <functional>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/config_error.h"
#include "tests/config/temp_tree.h"

namespace pgd::config {
namespace {

using ::testing::HasSubstr;
using testing::TempTree;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(TypePlainScalar, IntegersInDecimalOctalAndHex) {
  EXPECT_EQ(type_plain_scalar("3"), nlohmann::json(3));
  EXPECT_TRUE(type_plain_scalar("3").is_number_integer());
  EXPECT_EQ(type_plain_scalar("-7"), nlohmann::json(-7));
  EXPECT_EQ(type_plain_scalar("+12"), nlohmann::json(12));
  EXPECT_EQ(type_plain_scalar("0o17"), nlohmann::json(15));
  EXPECT_EQ(type_plain_scalar("0x1F"), nlohmann::json(31));
  EXPECT_EQ(type_plain_scalar("-9223372036854775808"),
            nlohmann::json(std::numeric_limits<int64_t>::min()));
}

TEST(TypePlainScalar, IntegerOutside64BitsIsAnError) {
  EXPECT_THAT(error_of([] { type_plain_scalar("99999999999999999999", "override 'x=9'"); }),
              HasSubstr("override 'x=9': integer 99999999999999999999 does not fit"));
}

TEST(TypePlainScalar, FloatsIncludingExponentsAndSpecials) {
  for (const char* text : {"1e-3", "0.5", ".5", "1.", "1e3", "-2.5E+2"}) {
    nlohmann::json v = type_plain_scalar(text);
    EXPECT_TRUE(v.is_number_float()) << text;
    EXPECT_DOUBLE_EQ(v.get<double>(), std::strtod(text, nullptr)) << text;
  }
  EXPECT_TRUE(std::isinf(type_plain_scalar(".inf").get<double>()));
  EXPECT_LT(type_plain_scalar("-.Inf").get<double>(), 0);
  EXPECT_TRUE(std::isnan(type_plain_scalar(".nan").get<double>()));
}

TEST(TypePlainScalar, BoolsNullsAndStrings) {
  EXPECT_EQ(type_plain_scalar("true"), nlohmann::json(true));
  EXPECT_EQ(type_plain_scalar("False"), nlohmann::json(false));
  for (const char* text : {"null", "Null", "NULL", "~", ""})
    EXPECT_TRUE(type_plain_scalar(text).is_null()) << text;
  // YAML 1.2 core schema: the 1.1 words and forms are plain strings.
  for (const char* text : {"yes", "off", "4GB", "1_000", "0b101", "v_shape", "1.2.3", "e3"})
    EXPECT_EQ(type_plain_scalar(text), nlohmann::json(text)) << text;
}

TEST(ParseYaml, QuotedScalarsStayStrings) {
  EXPECT_EQ(parse_yaml("'3'", "t"), nlohmann::json("3"));
  EXPECT_EQ(parse_yaml("\"true\"", "t"), nlohmann::json("true"));
  EXPECT_EQ(parse_yaml("'null'", "t"), nlohmann::json("null"));
  EXPECT_EQ(parse_yaml("!!str 1e3", "t"), nlohmann::json("1e3"));
  EXPECT_EQ(parse_yaml("''", "t"), nlohmann::json(""));
}

TEST(ParseYaml, NestedContainersAreTyped) {
  nlohmann::json v = parse_yaml("a: [1, 2.5, x, '4', ~]\nb: {c: true, d: {e: 1e-4}}\n", "t");
  EXPECT_EQ(v["a"], nlohmann::json::parse(R"([1, 2.5, "x", "4", null])"));
  EXPECT_TRUE(v["a"][0].is_number_integer());
  EXPECT_EQ(v["b"]["c"], nlohmann::json(true));
  EXPECT_DOUBLE_EQ(v["b"]["d"]["e"].get<double>(), 1e-4);
}

TEST(ParseYaml, BlockScalarsAreStrings) {
  EXPECT_EQ(parse_yaml("a: |\n  42\n", "t")["a"], nlohmann::json("42\n"));
}

TEST(ParseYaml, DuplicateKeyNamesKeyAndLine) {
  EXPECT_THAT(error_of([] { parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml"); }),
              HasSubstr("f.yaml at line 3, column 1: duplicate key 'a'"));
}

TEST(LoadYamlFile, MalformedFileNamesPathLineAndColumn) {
  TempTree t;
  auto file = t.write("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n");
  std::string message = error_of([&] { load_yaml_file(file); });
  EXPECT_THAT(message, HasSubstr("malformed YAML in " + file.string() + " at line "));
  EXPECT_THAT(message, HasSubstr(", column "));
  EXPECT_THAT(message, HasSubstr("end of sequence flow not found"));
}

TEST(LoadYamlFile, MalformedIndentationReportsTheLine) {
  TempTree t;
  auto file = t.write("bad.yaml", "a:\n  b: 1\n c: 2\n");
  EXPECT_THAT(error_of([&] { load_yaml_file(file); }),
              HasSubstr(file.string() + " at line 3, column 2"));
}

TEST(LoadYamlFile, MissingFileNamesPath) {
  TempTree t;
  EXPECT_THAT(error_of([&] { load_yaml_file(t.root() / "nope.yaml"); }),
              HasSubstr("config file not found: " + (t.root() / "nope.yaml").string()));
}

TEST(LoadYamlFile, OrderedKeepsFileOrder) {
  TempTree t;
  auto file = t.write("grid.yaml", "zeta: 1\nalpha: 2\nmid: 3\n");
  const nlohmann::ordered_json doc = load_yaml_file_ordered(file);
  std::vector<std::string> keys;
  for (const auto& item : doc.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST(LoadYamlFile, EmptyFileIsNull) {
  TempTree t;
  EXPECT_TRUE(load_yaml_file(t.write("empty.yaml", "# only a comment\n")).is_null());
}

}  // namespace
}  // namespace pgd::config
