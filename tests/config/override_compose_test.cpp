// Hydra's override forms through compose_config, the path `patchgd config show` takes: each
// case checks the resolved value and its type, or the exact error.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "tests/config/compose_fixture.h"

namespace pgd::config {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

class OverrideComposeTest : public testing::ComposeFixture {
 protected:
  void SetUp() override {
    ComposeFixture::SetUp();
    // A mapping, a list and a null key, as experiments/config.yaml has them.
    tree_.write("config.yaml", read("config.yaml") +
                                   "head:\n  layers: 4\n  channels: 256\n  dropout: 0.2\n"
                                   "milestones: [10, 20, 30]\nnotes: null\n");
  }

  std::string read(const std::string& relative) {
    std::ifstream in(tree_.root() / relative);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // The value at `pointer` (/train/epochs) after the overrides.
  Json at(const std::vector<std::string>& overrides, const std::string& pointer) {
    return compose(overrides).at(Json::json_pointer(pointer));
  }
};

using testing::expect_typed;

TEST_F(OverrideComposeTest, HydraTypingReachesTheConfig) {
  // dataset.cache defaults to null, so it takes any type and shows the typing plainly.
  expect_typed(at({"dataset.cache=10_0"}, "/dataset/cache"), 100);
  expect_typed(at({"dataset.cache=3.1_4"}, "/dataset/cache"), 3.14);
  expect_typed(at({"dataset.cache=trUe"}, "/dataset/cache"), true);
  expect_typed(at({"dataset.cache=0x1F"}, "/dataset/cache"), "0x1F");
  expect_typed(at({"dataset.cache=1e3"}, "/dataset/cache"), 1000.0);
  expect_typed(at({"dataset.cache=NULL"}, "/dataset/cache"), nullptr);
  expect_typed(at({"dataset.cache="}, "/dataset/cache"), "");
  Json inf = at({"dataset.cache=-INF"}, "/dataset/cache");
  EXPECT_TRUE(inf.is_number_float() && std::isinf(inf.get<double>()) && inf < 0);
  Json nan = at({"dataset.cache=nan"}, "/dataset/cache");
  EXPECT_TRUE(nan.is_number_float() && std::isnan(nan.get<double>()));
  expect_typed(at({"train.lr=inf"}, "/train/lr"), INFINITY);
  expect_typed(at({"train.lr=1"}, "/train/lr"), 1.0);  // an int for a float key: a float
}

TEST_F(OverrideComposeTest, QuotedValuesAndEscapesReachTheConfig) {
  expect_typed(at({"train.name='foo \\'bar'"}, "/train/name"), "foo 'bar");
  expect_typed(at({"train.name=\"foo\\bar\""}, "/train/name"), "foo\\bar");
  expect_typed(at({"train.name='foo bar\\\\'"}, "/train/name"), "foo bar\\");
  expect_typed(at({"train.name=a\\,b"}, "/train/name"), "a,b");
  expect_typed(at({"train.name='3'"}, "/train/name"), "3");
  expect_typed(at({"train.flags=['a b', \"c,d\", e\\,f]"}, "/train/flags"),
               Json::array({"a b", "c,d", "e,f"}));
}

TEST_F(OverrideComposeTest, AMappingValueOnANewKeyIsAMapping) {
  expect_typed(at({"+x={a:1,b:2}"}, "/x"), Json::parse(R"({"a": 1, "b": 2})"));
  expect_typed(at({"+x={a: {b: [1, {c: 'd'}]}}"}, "/x"),
               Json::parse(R"({"a": {"b": [1, {"c": "d"}]}})"));
}

TEST_F(OverrideComposeTest, AMappingMergesIntoAnExistingMapping) {
  expect_typed(at({"head={layers: 2}"}, "/head"),
               Json::parse(R"({"layers": 2, "channels": 256, "dropout": 0.2})"));
  expect_typed(at({"head={dropout: 0}"}, "/head/dropout"), 0.0);  // typed like the default
  expect_typed(at({"train={nested: {depth: {value: 5}}}"}, "/train/nested/depth/value"), 5);
  EXPECT_THAT(error_of({"head={extra: 1}"}),
              HasSubstr("override 'head={extra: 1}': unknown config key 'head.extra'; valid "
                        "keys under 'head': "));
  EXPECT_THAT(error_of({"head={extra: 1}"}),
              HasSubstr("(a mapping value merges into 'head'; add keys with '+head=...' or "
                        "'++head=...')"));
  EXPECT_THAT(error_of({"head={layers: two}"}),
              HasSubstr("config key 'head.layers': value 'two' is string; expected int"));
}

TEST_F(OverrideComposeTest, PlusAndPlusPlusMergeMappingsAndMayAddKeys) {
  // Hydra: `+` on an existing key is refused unless it holds null or the value is a container.
  expect_typed(at({"+head={extra: 1}"}, "/head"),
               Json::parse(R"({"layers": 4, "channels": 256, "dropout": 0.2, "extra": 1})"));
  expect_typed(at({"++head={layers: 3, extra: x}"}, "/head"),
               Json::parse(R"({"layers": 3, "channels": 256, "dropout": 0.2, "extra": "x"})"));
  expect_typed(at({"+milestones=[1]"}, "/milestones"), Json::array({1}));  // a list replaces
  EXPECT_THAT(error_of({"+head.layers=3"}),
              HasSubstr("override '+head.layers=3': config key 'head.layers' already exists (4);"
                        " set it with 'head.layers=3' or use '++head.layers=3'"));
}

TEST_F(OverrideComposeTest, PlusSetsAKeyThatHoldsNull) {
  expect_typed(at({"+train.init_from=ckpt.pt"}, "/train/init_from"), "ckpt.pt");
  expect_typed(at({"+notes=hello"}, "/notes"), "hello");
  expect_typed(at({"++notes=[1]"}, "/notes"), Json::array({1}));
}

TEST_F(OverrideComposeTest, RemoveWithAndWithoutValue) {
  EXPECT_FALSE(compose({"~head"}).contains("head"));
  EXPECT_FALSE(compose({"~head.layers=4"})["head"].contains("layers"));
  EXPECT_FALSE(compose({"~train.lr=1e-3"})["train"].contains("lr"));
  EXPECT_THAT(error_of({"~head.layers=5"}),
              HasSubstr("config key 'head.layers' is 4, not 5; not removed"));
  EXPECT_FALSE(compose({"~train.name=run"})["train"].contains("name"));
}

TEST_F(OverrideComposeTest, ListIndicesInKeys) {
  expect_typed(at({"milestones.0=5"}, "/milestones"), Json::array({5, 20, 30}));
  expect_typed(at({"train.flags.1=z"}, "/train/flags"), Json::array({"a", "z"}));
  expect_typed(at({"~milestones.1"}, "/milestones"), Json::array({10, 30}));
  expect_typed(at({"++milestones.2=7"}, "/milestones"), Json::array({10, 20, 7}));
  EXPECT_THAT(error_of({"milestones.3=1"}),
              HasSubstr("override 'milestones.3=1': config key 'milestones.3': 'milestones' is "
                        "a list of 3 elements, so '3' must be an index from 0 to 2"));
  EXPECT_THAT(error_of({"+milestones.3=1"}), HasSubstr("must be an index from 0 to 2"));
  EXPECT_THAT(error_of({"milestones.x=1"}), HasSubstr("must be an index from 0 to 2"));
  EXPECT_THAT(error_of({"milestones.0=a"}),
              HasSubstr("config key 'milestones.0': value 'a' is string; expected int"));
}

TEST_F(OverrideComposeTest, ShuffleOfAListIsSeededByTheConfigsSeed) {
  Json a = at({"+order=shuffle([1,2,3,4,5,6,7,8])"}, "/order");
  EXPECT_EQ(a, at({"+order=shuffle([1,2,3,4,5,6,7,8])"}, "/order"));
  Json sorted = a;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, Json::parse("[1,2,3,4,5,6,7,8]"));
  EXPECT_NE(a, sorted);
  EXPECT_NE(a, at({"seed=3", "+order=shuffle([1,2,3,4,5,6,7,8])"}, "/order"));
}

TEST_F(OverrideComposeTest, GroupOptionsMayBeQuoted) {
  EXPECT_EQ(at({"dataset='large'"}, "/dataset/name"), "large");
  EXPECT_THAT(error_of({"dataset=[a]"}),
              HasSubstr("override 'dataset=[a]': a config group option is a name, not the list"));
}

TEST_F(OverrideComposeTest, SweepsAndMalformedValuesAreErrorsNotValues) {
  EXPECT_EQ(error_of({"seed=1,2"}), "override 'seed=1,2' sweeps values; pass -m/--multirun");
  EXPECT_EQ(error_of({"method=choice (gd,patchgd)"}),
            "override 'method=choice (gd,patchgd)' sweeps values; pass -m/--multirun");
  EXPECT_THAT(error_of({"train.flags=[]aa"}),
              HasSubstr("override 'train.flags=[]aa' at column 15: unexpected 'aa'"));
  EXPECT_THAT(error_of({"+x=int("}), HasSubstr("at column 8: the call int( is never closed"));
}

}  // namespace
}  // namespace pgd::config
