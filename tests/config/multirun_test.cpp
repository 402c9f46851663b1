#include "harness/config/multirun.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/config_error.h"

namespace pgd::config {
namespace {

using ::testing::HasSubstr;
using Words = std::vector<std::string>;
using Runs = std::vector<Words>;

std::string error_of(const Words& overrides) {
  try {
    expand_multirun(overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(IsSweepValue, RecognisesTheSweepForms) {
  EXPECT_TRUE(is_sweep_value("a,b"));
  EXPECT_TRUE(is_sweep_value("1,2,3"));
  EXPECT_TRUE(is_sweep_value("range(3)"));
  EXPECT_TRUE(is_sweep_value("range(0, 1, 0.25)"));
  EXPECT_TRUE(is_sweep_value("choice(a)"));
  EXPECT_TRUE(is_sweep_value("[1,2],[3,4]"));
  EXPECT_FALSE(is_sweep_value("[1,2]"));
  EXPECT_FALSE(is_sweep_value("{a: 1, b: 2}"));
  EXPECT_FALSE(is_sweep_value("'a,b'"));
  EXPECT_FALSE(is_sweep_value("\"a,b\""));
  EXPECT_FALSE(is_sweep_value("4GB"));
  EXPECT_FALSE(is_sweep_value("'range(3)'"));
}

TEST(IsSweepOverride, RemovalsNeverSweep) {
  EXPECT_TRUE(is_sweep_override("k=a,b"));
  EXPECT_TRUE(is_sweep_override("++k=range(2)"));
  EXPECT_FALSE(is_sweep_override("~k=a,b"));
  EXPECT_FALSE(is_sweep_override("k=[a,b]"));
  EXPECT_FALSE(is_sweep_override("k"));
}

TEST(ExpandMultirun, CartesianProductFirstSweptSlowest) {
  Runs runs = expand_multirun({"a=1,2", "b=x", "c=p,q,r"});
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(runs[0], (Words{"a=1", "b=x", "c=p"}));
  EXPECT_EQ(runs[1], (Words{"a=1", "b=x", "c=q"}));
  EXPECT_EQ(runs[2], (Words{"a=1", "b=x", "c=r"}));
  EXPECT_EQ(runs[3], (Words{"a=2", "b=x", "c=p"}));
  EXPECT_EQ(runs[5], (Words{"a=2", "b=x", "c=r"}));
}

TEST(ExpandMultirun, NoSweepGivesOneRunUnchanged) {
  EXPECT_EQ(expand_multirun({"a=1", "~b"}), (Runs{{"a=1", "~b"}}));
  EXPECT_EQ(expand_multirun({}), (Runs{{}}));
}

TEST(ExpandMultirun, KeepsPrefixesAndTrimsElements) {
  EXPECT_EQ(expand_multirun({"+k=1, 2"}), (Runs{{"+k=1"}, {"+k=2"}}));
  EXPECT_EQ(expand_multirun({"++k=a,b"}), (Runs{{"++k=a"}, {"++k=b"}}));
}

TEST(ExpandMultirun, CommasInsideListsMapsAndQuotesAreNotSplit) {
  EXPECT_EQ(expand_multirun({"k=[1,2]"}), (Runs{{"k=[1,2]"}}));
  EXPECT_EQ(expand_multirun({"k=[1,2],[3,4]"}), (Runs{{"k=[1,2]"}, {"k=[3,4]"}}));
  EXPECT_EQ(expand_multirun({"k={a: 1, b: 2},{a: 3}"}), (Runs{{"k={a: 1, b: 2}"}, {"k={a: 3}"}}));
  EXPECT_EQ(expand_multirun({"k='a,b',c"}), (Runs{{"k='a,b'"}, {"k=c"}}));
}

TEST(ExpandMultirun, IntegerRangesFollowPython) {
  EXPECT_EQ(sweep_values("range(3)", "t"), (Words{"0", "1", "2"}));
  EXPECT_EQ(sweep_values("range(1,10,3)", "t"), (Words{"1", "4", "7"}));
  EXPECT_EQ(sweep_values("range(5, 0, -2)", "t"), (Words{"5", "3", "1"}));
  EXPECT_EQ(expand_multirun({"seed=range(2)"}), (Runs{{"seed=0"}, {"seed=1"}}));
}

TEST(ExpandMultirun, FloatRangesGiveCleanFloats) {
  EXPECT_EQ(sweep_values("range(0, 1, 0.25)", "t"), (Words{"0.0", "0.25", "0.5", "0.75"}));
  EXPECT_EQ(sweep_values("range(0.1, 0.4, 0.1)", "t"), (Words{"0.1", "0.2", "0.3"}));
  EXPECT_EQ(sweep_values("range(1.0, 3)", "t"), (Words{"1.0", "2.0"}));
}

TEST(ExpandMultirun, ChoiceListsItsValues) {
  EXPECT_EQ(expand_multirun({"m=choice(gd, patchgd)", "x=1"}),
            (Runs{{"m=gd", "x=1"}, {"m=patchgd", "x=1"}}));
  EXPECT_EQ(sweep_values("choice([1,2],'a,b')", "t"), (Words{"[1,2]", "'a,b'"}));
}

TEST(ExpandMultirun, BadSweepsAreErrorsNamingTheOverride) {
  EXPECT_THAT(error_of({"k=a,,b"}), HasSubstr("override 'k=a,,b': empty value in sweep"));
  EXPECT_THAT(error_of({"k=a,"}), HasSubstr("empty value"));
  EXPECT_THAT(error_of({"k=range(0,3,0)"}), HasSubstr("range step must not be zero"));
  EXPECT_THAT(error_of({"k=range(3,1)"}), HasSubstr("range(3,1) has no values"));
  EXPECT_THAT(error_of({"k=range(a)"}), HasSubstr("range argument 'a' is not a number"));
  EXPECT_THAT(error_of({"k=range(1,2,3,4)"}), HasSubstr("range takes 1 to 3 numbers"));
  EXPECT_THAT(error_of({"k=range(0,1e9)"}), HasSubstr("more than"));
  EXPECT_THAT(error_of({"k=choice()"}), HasSubstr("empty value"));
}

TEST(RequireNoSweeps, NamesTheOverrideAndTheFlag) {
  EXPECT_NO_THROW(require_no_sweeps({"a=1", "b=[1,2]", "~c=1,2"}));
  try {
    require_no_sweeps({"a=1", "k=a,b"});
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "override 'k=a,b' sweeps values; pass -m/--multirun");
  }
}

}  // namespace
}  // namespace pgd::config
