#include "harness/config/override.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/config_error.h"

namespace pgd::config {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& text) {
  try {
    parse_override(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(ParseOverride, EachForm) {
  Override set = parse_override("train.epochs=3");
  EXPECT_EQ(set.kind, OverrideKind::kSet);
  EXPECT_EQ(set.key, "train.epochs");
  EXPECT_TRUE(set.has_value);
  EXPECT_EQ(set.value, nlohmann::json(3));
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
  EXPECT_EQ(remove_if.value, nlohmann::json(3));

  Override group = parse_override("dataset=panda");
  EXPECT_EQ(group.kind, OverrideKind::kSet);
  EXPECT_EQ(group.value_text, "panda");
  EXPECT_EQ(group.text, "dataset=panda");
}

TEST(ParseOverride, ValuesAreTypedByYaml) {
  auto value = [](const std::string& text) { return parse_override("k=" + text).value; };
  EXPECT_TRUE(value("3").is_number_integer());
  EXPECT_TRUE(value("1e-3").is_number_float());
  EXPECT_TRUE(value("0.5").is_number_float());
  EXPECT_EQ(value("true"), nlohmann::json(true));
  EXPECT_TRUE(value("null").is_null());
  EXPECT_TRUE(value("~").is_null());
  EXPECT_EQ(value("'3'"), nlohmann::json("3"));
  EXPECT_EQ(value("\"a b\""), nlohmann::json("a b"));
  EXPECT_EQ(value("[a, 2]"), nlohmann::json::parse(R"(["a", 2])"));
  EXPECT_EQ(value("{a: 1}"), nlohmann::json::parse(R"({"a": 1})"));
  EXPECT_EQ(value("4GB"), nlohmann::json("4GB"));
  EXPECT_EQ(value("data/x.csv"), nlohmann::json("data/x.csv"));
}

TEST(ParseOverride, EmptyValueIsTheEmptyString) {
  EXPECT_EQ(parse_override("k=").value, nlohmann::json(""));
}

TEST(ParseOverride, TextYamlWouldMisreadStaysAString) {
  EXPECT_EQ(parse_override("k=#tag").value, nlohmann::json("#tag"));
  EXPECT_EQ(parse_override("k=@home").value, nlohmann::json("@home"));
  EXPECT_EQ(parse_override("k=a=b").value, nlohmann::json("a=b"));
}

TEST(ParseOverride, UnclosedListIsAnError) {
  EXPECT_THAT(error_of("k=[1, 2"), HasSubstr("override 'k=[1, 2'"));
  EXPECT_THAT(error_of("k={a: 1"), HasSubstr("malformed YAML"));
}

TEST(ParseOverride, MalformedOverridesNameTheForms) {
  EXPECT_THAT(error_of("train.epochs"), HasSubstr("override 'train.epochs': no '=value'"));
  EXPECT_THAT(error_of("=3"), HasSubstr("no key"));
  EXPECT_THAT(error_of("++=3"), HasSubstr("no key"));
  EXPECT_THAT(error_of("a..b=1"), HasSubstr("key 'a..b' has an empty part"));
  EXPECT_THAT(error_of("a b=1"), HasSubstr("has the character ' '"));
  EXPECT_THAT(error_of("train.epochs"), HasSubstr("~key.path"));
}

TEST(SplitKey, SplitsOnDots) {
  EXPECT_EQ(split_key("a.b-c.d_e", "t"), (std::vector<std::string>{"a", "b-c", "d_e"}));
  EXPECT_THROW(split_key("a.", "t"), ConfigError);
}

TEST(OverridePrefix, RoundTripsTheKinds) {
  for (const char* text : {"k=1", "+k=1", "++k=1", "~k=1"}) {
    Override o = parse_override(text);
    EXPECT_EQ(override_prefix(o.kind) + o.key + "=" + o.value_text, text);
  }
}

}  // namespace
}  // namespace pgd::config
