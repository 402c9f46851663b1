// OmegaConf-style interpolation, resolved by compose_config after the overrides and before
// type checks: in YAML files and in overrides, typed or inside text, escaped, relative, and
// the errors for a missing key, a cycle and a resolver.
#include "harness/config/interpolation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/config_hash.h"
#include "harness/config/yaml_emit.h"
#include "tests/config/compose_fixture.h"

namespace pgd::config {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

class InterpolationTest : public testing::ComposeFixture {
 protected:
  void SetUp() override {
    ComposeFixture::SetUp();
    tree_.write("config.yaml", R"(defaults:
  - dataset: small
seed: 42
train:
  epochs: 10
  lr: 1.0e-3
  batch_size: 32
  name: run
eval:
  batch_size: ${train.batch_size}
  tag: lr_${train.lr}_bs${.batch_size}
  literal: \${train.lr}
  backslash: \\${train.epochs}
  path: C:\\dir\\${seed}
  copy: ${train}
  up: ${..seed}
  list: ['${seed}', x]
  first: ${eval.list.0}
  bracket: ${eval.list[1]}
  size: ${dataset.image_size}
)");
  }
};

TEST_F(InterpolationTest, AWholeInterpolationKeepsTheTargetsType) {
  Json eval = compose()["eval"];
  EXPECT_EQ(eval["batch_size"], 32);
  EXPECT_TRUE(eval["batch_size"].is_number_integer());
  EXPECT_EQ(eval["copy"], Json::parse(R"({"epochs": 10, "lr": 0.001, "batch_size": 32,
                                          "name": "run"})"));
  EXPECT_EQ(eval["size"], 64);  // into a group file's key
  EXPECT_EQ(eval["list"], Json::parse(R"([42, "x"])"));
  EXPECT_EQ(eval["first"], 42);
  EXPECT_EQ(eval["bracket"], "x");
}

TEST_F(InterpolationTest, InsideTextValuesAreWrittenAsPythonDoes) {
  EXPECT_EQ(compose()["eval"]["tag"], "lr_0.001_bs32");  // ${.x}: a sibling
  EXPECT_EQ(compose({"train.lr=1e-5"})["eval"]["tag"], "lr_1e-05_bs32");
  EXPECT_EQ(compose({"+eval.b=${train.name}-${seed}-${dataset.cache}-${eval.list}"})["eval"]["b"],
            "run-42-None-[42, 'x']");
}

TEST_F(InterpolationTest, RelativeReferencesClimbOneLevelPerDot) {
  EXPECT_EQ(compose()["eval"]["up"], 42);
}

TEST_F(InterpolationTest, EscapesFollowOmegaConf) {
  Json eval = compose()["eval"];
  EXPECT_EQ(eval["literal"], "${train.lr}");
  EXPECT_EQ(eval["backslash"], "\\10");
  EXPECT_EQ(eval["path"], "C:\\\\dir\\42");  // only backslashes before ${ are unescaped
  EXPECT_EQ(compose({"+x='\\${seed}'"})["x"], "${seed}");
}

TEST_F(InterpolationTest, OverridesMayInterpolateAndAreTypeCheckedOnceResolved) {
  Json c = compose({"train.epochs=${train.batch_size}", "train.batch_size=8"});
  EXPECT_EQ(c["train"]["epochs"], 8);  // resolved after every override
  EXPECT_EQ(c["eval"]["batch_size"], 8);
  EXPECT_EQ(compose({"train.lr=${seed}"})["train"]["lr"].type(), Json::value_t::number_float);
  EXPECT_EQ(compose({"train.name=lr_${train.lr}"})["train"]["name"], "lr_0.001");
  EXPECT_THAT(error_of({"train.epochs=e${seed}"}),
              HasSubstr("override 'train.epochs=e${seed}': config key 'train.epochs': value "
                        "'e42' is string; expected int like its default 10"));
}

TEST_F(InterpolationTest, TheHashIsOverTheResolvedConfig) {
  EXPECT_EQ(config_hash(compose({"train.epochs=${train.batch_size}"})),
            config_hash(compose({"train.epochs=32"})));
}

TEST_F(InterpolationTest, AMissingKeyNamesTheChain) {
  EXPECT_EQ(error_of({"+a=${b}", "+b=${train.epoch}"}),
            "interpolation '${train.epoch}' in 'a -> b': unknown config key 'train.epoch'; did "
            "you mean 'train.epochs'? valid keys under 'train': epochs, lr, name, batch_size");
  EXPECT_THAT(error_of({"+a=${...x}"}),
              HasSubstr("interpolation '${...x}' in 'a': '...x' goes above the top"));
}

TEST_F(InterpolationTest, ACycleNamesTheChain) {
  EXPECT_EQ(error_of({"+a=${b}", "+b=x${c}", "+c=${a}"}), "interpolation cycle: a -> b -> c -> a");
  EXPECT_EQ(error_of({"+a={b: '${a}'}"}), "interpolation cycle: a.b -> a.b");
}

TEST_F(InterpolationTest, ResolversAreNotSupported) {
  EXPECT_EQ(error_of({"+home=${oc.env:HOME}"}),
            "interpolation '${oc.env:HOME}' in 'home': resolvers such as oc.env are not "
            "supported; refer to a config key (${train.lr})");
}

TEST_F(InterpolationTest, NestedInterpolationNamesTheKey) {
  // Hydra's lexer ends an unquoted interpolation at the first '}': quote a nested one.
  EXPECT_EQ(compose({"+which=lr", "+x='${train.${which}}'"})["x"], 0.001);
  EXPECT_THAT(error_of({"+which=lr", "+x=${train.${which}}"}),
              HasSubstr("override '+x=${train.${which}}' at column 20: unexpected '}' after the "
                        "value"));
}

TEST_F(InterpolationTest, ConfigShowYamlReadsBackToTheResolvedConfig) {
  Json c = compose({"+x='a \\\\${seed} \\${seed}'"});
  EXPECT_EQ(c["x"], "a \\42 ${seed}");
  EXPECT_EQ(escape_interpolations("a \\${b} ${c}"), "a \\\\\\${b} \\${c}");
  testing::TempTree again;
  again.write("config.yaml", to_yaml(c));
  EXPECT_EQ(compose_config(again.root(), {}), c);
}

TEST(HasInterpolation, LooksForTheOpening) {
  EXPECT_TRUE(has_interpolation("a${b}"));
  EXPECT_TRUE(has_interpolation("\\${b}"));
  EXPECT_FALSE(has_interpolation("$b {c}"));
}

}  // namespace
}  // namespace pgd::config
