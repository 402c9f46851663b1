#include "harness/config/yaml_emit.h"

#include <gtest/gtest.h>

#include "harness/config/compose.h"
#include "harness/config/config_tree.h"
#include "harness/config/override.h"
#include "harness/config/override_format.h"
#include "harness/config/yaml_json.h"
#include "tests/config/temp_tree.h"

namespace pgd::config {
namespace {

TEST(ToYaml, BlockStyleWithInlineScalarLists) {
  nlohmann::json v = nlohmann::json::parse(R"({
    "seed": 42, "name": "run", "lr": 0.001, "flags": [5, 4, 3], "empty": {}, "none": null,
    "train": {"epochs": 10, "nested": {"on": true}},
    "stages": [{"name": "a", "size": 1}, {"name": "b"}]
  })");
  EXPECT_EQ(to_yaml(v),
            "empty: {}\n"
            "flags: [5, 4, 3]\n"
            "lr: 0.001\n"
            "name: run\n"
            "none: null\n"
            "seed: 42\n"
            "stages:\n"
            "  - name: a\n"
            "    size: 1\n"
            "  - name: b\n"
            "train:\n"
            "  epochs: 10\n"
            "  nested:\n"
            "    on: true\n");
}

TEST(YamlString, QuotesOnlyWhatWouldBeRetypedOrIsSyntax) {
  EXPECT_EQ(yaml_string("4GB"), "4GB");
  EXPECT_EQ(yaml_string("data/panda/train.csv"), "data/panda/train.csv");
  EXPECT_EQ(yaml_string("two words"), "two words");
  EXPECT_EQ(yaml_string("true"), "'true'");
  EXPECT_EQ(yaml_string("3"), "'3'");
  EXPECT_EQ(yaml_string("1e-3"), "'1e-3'");
  EXPECT_EQ(yaml_string("null"), "'null'");
  EXPECT_EQ(yaml_string(""), "''");
  EXPECT_EQ(yaml_string("a,b"), "'a,b'");
  EXPECT_EQ(yaml_string("a: b"), "'a: b'");
  EXPECT_EQ(yaml_string("it's"), "'it''s'");
  EXPECT_EQ(yaml_string("range(3)"), "'range(3)'");
  EXPECT_EQ(yaml_string("line\nbreak"), "\"line\\nbreak\"");
}

TEST(ToFlowYaml, WritesOverrideValues) {
  EXPECT_EQ(to_flow_yaml(nlohmann::json::parse(R"([1, "a,b", 2.0])")), "[1, 'a,b', 2.0]");
  EXPECT_EQ(to_flow_yaml(nlohmann::json::parse(R"({"a": [1], "b c": null})")),
            "{a: [1], b c: null}");
  EXPECT_EQ(to_flow_yaml(nlohmann::json(1e-5)), "1e-5");
  EXPECT_EQ(to_flow_yaml(nlohmann::json::parse(R"({"#": 1})")), "{'#': 1}");
}

const char* kTricky = R"({
  "strings": ["true", "3", "null", "", "a: b", "#x", "a,b", "- x", "it's", "line\nbreak",
              "~", "1e3", ".inf", " lead", "trail ", "tab\there", "ünïcode", "[x]", "{y}",
              "@at", "*star", "&amp", "!bang", "%pct", "a=b", "99999999999999999999", "-",
              "0x1F", "yes"],
  "numbers": [0, -1, 9223372036854775807, 1.0, -0.5, 1e-5, 1e20, 0.30000000000000004],
  "keys": {"a b": 1, "null": 2, "": 3, "3": 4, "x.y": 5, "#": 6, "-": 7},
  "nested": [[1, [2, 3]], {"k": [{"deep": "v"}]}, [], {}],
  "empty_list": [], "empty_map": {}, "none": null, "flag": false
})";

TEST(ToYaml, RoundTripsThroughTheYamlReader) {
  nlohmann::json v = nlohmann::json::parse(kTricky);
  EXPECT_EQ(parse_yaml(to_yaml(v), "round trip"), v) << to_yaml(v);
}

TEST(ToYaml, RoundTripsThroughCompose) {
  testing::TempTree t;
  nlohmann::json v = nlohmann::json::parse(kTricky);
  t.write("config.yaml", to_yaml(v));
  EXPECT_EQ(compose_config(t.root(), {}), v);
}

TEST(FormatOverrideValue, EveryValueRoundTripsAsAnOverride) {
  nlohmann::json v = nlohmann::json::parse(kTricky);
  for (const auto& group : {v["strings"], v["numbers"], v["nested"]}) {
    for (const auto& item : group) {
      Override o = parse_override("k=" + format_override_value(item));
      EXPECT_EQ(o.value, item) << o.text;
      EXPECT_EQ(kind_name(o.value), kind_name(item)) << o.text;
    }
  }
}

}  // namespace
}  // namespace pgd::config
