// Multirun expansion: each sweep form of Hydra's grammar gives the values, in the order and
// with the types Hydra gives them; the per-run override texts read back to those values.
#include "harness/config/multirun.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "tests/config/compose_fixture.h"

namespace pgd::config {
namespace {

using ::testing::HasSubstr;
using Words = std::vector<std::string>;
using Runs = std::vector<Words>;

class MultirunTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_sample_tree(tree_); }

  Runs expand(const Words& overrides) { return expand_multirun(overrides, tree_.root()); }

  // The value of `key` (dotted) in each run's composed config, as composed by config show.
  std::vector<nlohmann::json> values(const Words& overrides, const std::string& key) {
    std::vector<nlohmann::json> out;
    for (const auto& run : expand(overrides)) {
      nlohmann::json c = compose_config(tree_.root(), run);
      out.push_back(c[nlohmann::json::json_pointer("/" + replace_dots(key))]);
    }
    return out;
  }

  static std::string replace_dots(std::string s) {
    for (char& c : s)
      if (c == '.') c = '/';
    return s;
  }

  std::string error_of(const Words& overrides) {
    return testing::config_error_of([&] { expand(overrides); });
  }

  testing::TempTree tree_;
};

// Same values and the same JSON types (1 and 1.0 differ), in order.
void expect_typed(const std::vector<nlohmann::json>& actual,
                  const std::vector<nlohmann::json>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i], expected[i]) << "value " << i;
    EXPECT_EQ(actual[i].type(), expected[i].type()) << "value " << i << ": " << actual[i];
  }
}

TEST(IsSweepOverride, RecognisesTheSweepForms) {
  for (const char* text :
       {"k=a,b", "k=1,2,3", "k=range(3)", "k=range(0, 1, 0.25)", "k=choice(a)", "k=[1,2],[3,4]",
        "++k=range(2)", "k=glob(*)", "k=shuffle(1,2)", "k=int(1,2)", "~k=a,b"})
    EXPECT_TRUE(is_sweep_override(text)) << text;
  for (const char* text : {"k=[1,2]", "k={a: 1, b: 2}", "k='a,b'", "k=\"a,b\"", "k=4GB",
                           "k='range(3)'", "k=a\\,b", "k=sort([2,1])", "k=int(3)", "~k"})
    EXPECT_FALSE(is_sweep_override(text)) << text;
}

TEST_F(MultirunTest, CartesianProductFirstSweptSlowest) {
  Runs runs = expand({"seed=1,2", "train.name=x", "train.epochs=3,4,5"});
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(runs[0], (Words{"seed=1", "train.name=x", "train.epochs=3"}));
  EXPECT_EQ(runs[1], (Words{"seed=1", "train.name=x", "train.epochs=4"}));
  EXPECT_EQ(runs[2], (Words{"seed=1", "train.name=x", "train.epochs=5"}));
  EXPECT_EQ(runs[3], (Words{"seed=2", "train.name=x", "train.epochs=3"}));
  EXPECT_EQ(runs[5], (Words{"seed=2", "train.name=x", "train.epochs=5"}));
}

TEST_F(MultirunTest, NoSweepGivesOneRunWithTheTextsUnchanged) {
  EXPECT_EQ(expand({"a=1", "~b"}), (Runs{{"a=1", "~b"}}));
  EXPECT_EQ(expand({}), (Runs{{}}));
}

TEST_F(MultirunTest, KeepsPrefixesAndTrimsElements) {
  EXPECT_EQ(expand({"+k=1, 2"}), (Runs{{"+k=1"}, {"+k=2"}}));
  EXPECT_EQ(expand({"++k=a , b"}), (Runs{{"++k=a"}, {"++k=b"}}));
  EXPECT_EQ(expand({"~k=1,2"}), (Runs{{"~k=1"}, {"~k=2"}}));  // Hydra sweeps deletions too
}

TEST_F(MultirunTest, CommasInsideListsMapsQuotesAndEscapesAreNotSplit) {
  EXPECT_EQ(expand({"k=[1,2]"}), (Runs{{"k=[1,2]"}}));
  EXPECT_EQ(expand({"k=[1,2],[3,4]"}), (Runs{{"k=[1, 2]"}, {"k=[3, 4]"}}));
  EXPECT_EQ(expand({"k={a: 1, b: 2},{a: 3}"}), (Runs{{"k={a: 1, b: 2}"}, {"k={a: 3}"}}));
  EXPECT_EQ(expand({"k='a,b',c"}), (Runs{{"k='a,b'"}, {"k=c"}}));
  EXPECT_EQ(expand({"k=a\\,b"}), (Runs{{"k=a\\,b"}}));
  expect_typed(values({"train.name=a\\,b,c"}, "train.name"), {"a,b", "c"});
}

TEST_F(MultirunTest, IntegerRangesFollowPython) {
  expect_typed(values({"seed=range(3)"}, "seed"), {0, 1, 2});
  expect_typed(values({"seed=range(1,10,3)"}, "seed"), {1, 4, 7});
  expect_typed(values({"seed=range(5, 0, -2)"}, "seed"), {5, 3, 1});
  expect_typed(values({"seed=range (1,3)"}, "seed"), {1, 2});  // a blank before '('
}

TEST_F(MultirunTest, NamedArguments) {
  expect_typed(values({"seed=range(1,10,step=4)"}, "seed"), {1, 5, 9});
  expect_typed(values({"seed=range(start=1,stop=3)"}, "seed"), {1, 2});
}

TEST_F(MultirunTest, FloatRangesStepInExactDecimals) {
  expect_typed(values({"train.lr=range(0, 1, 0.25)"}, "train.lr"), {0.0, 0.25, 0.5, 0.75});
  expect_typed(values({"train.lr=range(0.1, 0.4, 0.1)"}, "train.lr"), {0.1, 0.2, 0.3});
  expect_typed(values({"train.lr=range(1.0, 3)"}, "train.lr"), {1.0, 2.0});
  expect_typed(values({"train.lr=range(0, 0.3, 0.1)"}, "train.lr"), {0.0, 0.1, 0.2});
  expect_typed(values({"train.lr=range(1, 0, -0.25)"}, "train.lr"), {1.0, 0.75, 0.5, 0.25});
}

TEST_F(MultirunTest, ChoiceListsItsValuesWithTheirTypes) {
  EXPECT_EQ(expand({"method=choice(gd, patchgd)", "seed=1"}),
            (Runs{{"method=gd", "seed=1"}, {"method=patchgd", "seed=1"}}));
  EXPECT_EQ(expand({"method=choice (gd,patchgd)"}), (Runs{{"method=gd"}, {"method=patchgd"}}));
  expect_typed(values({"dataset.cache=choice([1,2],'a,b',3,1.5,true)"}, "dataset.cache"),
               {nlohmann::json::array({1, 2}), "a,b", 3, 1.5, true});
  expect_typed(values({"dataset.cache=null,x"}, "dataset.cache"), {nullptr, "x"});
  // Hydra's choice() signature has no None; the simple form takes null.
  EXPECT_THAT(error_of({"k=choice(null,x)"}), HasSubstr("choice() does not take null"));
}

TEST_F(MultirunTest, CastsKeepTheirTypeInEachRun) {
  expect_typed(values({"dataset.cache=str(1,2)"}, "dataset.cache"), {"1", "2"});
  expect_typed(values({"dataset.cache=float(range(1,3))"}, "dataset.cache"), {1.0, 2.0});
  expect_typed(values({"dataset.cache=int(choice(1.9, '7'))"}, "dataset.cache"), {1, 7});
  expect_typed(values({"dataset.cache=bool(0,'TRUE')"}, "dataset.cache"), {false, true});
}

TEST_F(MultirunTest, SortOrdersChoicesAndRanges) {
  expect_typed(values({"seed=sort(3,1,2)"}, "seed"), {1, 2, 3});
  expect_typed(values({"seed=sort(choice(3,1,2), reverse=true)"}, "seed"), {3, 2, 1});
  expect_typed(values({"seed=sort(range(1,4), reverse=true)"}, "seed"), {3, 2, 1});
  expect_typed(values({"seed=sort(range(7,0,-3))"}, "seed"), {1, 4, 7});
  expect_typed(values({"train.lr=sort(range(0,2,0.5),reverse=true)"}, "train.lr"),
               {1.5, 1.0, 0.5, 0.0});
}

TEST_F(MultirunTest, ShuffleIsAPermutationFixedByTheSeed) {
  std::vector<nlohmann::json> a = values({"train.epochs=shuffle(range(1,9))"}, "train.epochs");
  std::vector<nlohmann::json> b = values({"train.epochs=shuffle(range(1,9))"}, "train.epochs");
  EXPECT_EQ(a, b);  // the same seed, the same order
  std::vector<nlohmann::json> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  expect_typed(sorted, {1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_NE(a, sorted);  // seed 42 does not leave these eight in order
  std::vector<nlohmann::json> other =
      values({"seed=7", "train.epochs=shuffle(range(1,9))"}, "train.epochs");
  EXPECT_NE(a, other);  // another seed, another order
}

TEST_F(MultirunTest, GlobSelectsGroupOptions) {
  EXPECT_EQ(expand({"dataset=glob(*)"}),
            (Runs{{"dataset=large"}, {"dataset=larger"}, {"dataset=small"}}));
  EXPECT_EQ(expand({"dataset=glob(l*, exclude=*r)"}), (Runs{{"dataset=large"}}));
  EXPECT_EQ(expand({"dataset=glob([*], exclude=[large, small])"}), (Runs{{"dataset=larger"}}));
  EXPECT_EQ(expand({"dataset=glob(include=s?all)"}), (Runs{{"dataset=small"}}));
  EXPECT_THAT(error_of({"train.lr=glob(*)"}),
              HasSubstr("override 'train.lr=glob(*)': glob() selects options of a config group, "
                        "and 'train.lr' is not a config group"));
  EXPECT_THAT(error_of({"dataset=glob(x*)"}),
              HasSubstr("glob(x*) matches no option of config group 'dataset'; options: large, "
                        "larger, small"));
}

TEST_F(MultirunTest, TagsAreAcceptedAndIgnoredByTheBasicSweeper) {
  expect_typed(values({"seed=tag(fast, choice(1,2))"}, "seed"), {1, 2});
  expect_typed(values({"seed=tag(a, b, sweep=range(2))"}, "seed"), {0, 1});
}

TEST_F(MultirunTest, IntervalIsRefusedAsHydrasBasicSweeperRefusesIt) {
  EXPECT_THAT(error_of({"train.lr=interval(0.1, 1)"}),
              HasSubstr("override 'train.lr=interval(0.1, 1)': interval() is a sweep for "
                        "sampling sweepers"));
}

TEST_F(MultirunTest, BadSweepsAreErrorsNamingTheOverrideAndColumn) {
  EXPECT_EQ(error_of({"k=a,,b"}), "override 'k=a,,b' at column 5: expected a value, found ','");
  EXPECT_EQ(error_of({"k=a,"}), "override 'k=a,' at column 5: expected a value, found the end");
  EXPECT_EQ(error_of({"k=range(0,3,0)"}),
            "override 'k=range(0,3,0)': range() arg 3 must not be zero");
  EXPECT_EQ(error_of({"k=range(3,1)"}), "override 'k=range(3,1)': range sweep has no values");
  EXPECT_EQ(error_of({"k=range(a)"}),
            "override 'k=range(a)' at column 3: range(a): range() argument 'start' must be an "
            "int or a float, not str 'a'");
  EXPECT_EQ(error_of({"k=range(1,2,3,4)"}),
            "override 'k=range(1,2,3,4)' at column 3: range(1,2,3,4): too many positional "
            "arguments");
  EXPECT_THAT(error_of({"k=range(0,1e9)"}), HasSubstr("more than 100000 values"));
  EXPECT_EQ(error_of({"k=choice()"}),
            "override 'k=choice()' at column 3: choice(): empty choice is not legal");
  EXPECT_EQ(error_of({"k=choice(choice(a,b))"}),
            "override 'k=choice(choice(a,b))' at column 3: choice(choice(a,b)): nesting "
            "choices is not supported");
  EXPECT_EQ(error_of({"k=choice(a,b),c"}),
            "override 'k=choice(a,b),c' at column 3: a choice sweep cannot be one value of the "
            "sweep a,b,... (nested sweeps are not supported)");
  EXPECT_EQ(error_of({"k=[choice(a,b)]"}),
            "override 'k=[choice(a,b)]' at column 4: a choice sweep cannot be inside a list; a "
            "sweep is the whole value (key=choice(a,b))");
  EXPECT_EQ(error_of({"k=range(1, step=2, 3)"}),
            "override 'k=range(1, step=2, 3)' at column 20: positional argument follows "
            "keyword argument");
  EXPECT_EQ(error_of({"k=range(x=1)"}),
            "override 'k=range(x=1)' at column 3: range(x=1): got an unexpected keyword "
            "argument 'x'");
  EXPECT_EQ(error_of({"k=sort(3,2,str(1))"}),
            "override 'k=sort(3,2,str(1))' at column 3: sort(3,2,str(1)): '<' not supported "
            "between instances of 'str' and 'int'");
  EXPECT_EQ(error_of({"k=str(range(3))"}),
            "override 'k=str(range(3))' at column 3: str(range(3)): Range can only be cast to "
            "int or float");
}

TEST(RequireNoSweeps, NamesTheOverrideAndTheFlag) {
  EXPECT_NO_THROW(require_no_sweeps({"a=1", "b=[1,2]", "c='1,2'"}));
  try {
    require_no_sweeps({"a=1", "k=a,b"});
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "override 'k=a,b' sweeps values; pass -m/--multirun");
  }
  EXPECT_THROW(require_no_sweeps({"k=glob(*)"}), ConfigError);
}

}  // namespace
}  // namespace pgd::config
