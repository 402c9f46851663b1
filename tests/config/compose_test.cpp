#include "harness/config/compose.h"

#include <stdlib.h>

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/config_error.h"
#include "tests/config/temp_tree.h"

namespace pgd::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempTree;

class ComposeTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_sample_tree(tree_); }

  nlohmann::json compose(const std::vector<std::string>& overrides) {
    return compose_config(tree_.root(), overrides);
  }

  std::string error_of(const std::vector<std::string>& overrides) {
    try {
      compose(overrides);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no ConfigError)";
  }

  TempTree tree_;
};

TEST_F(ComposeTest, DefaultsLoadGroupFilesUnderTheirKeys) {
  nlohmann::json c = compose({});
  EXPECT_EQ(c["dataset"]["name"], "small");
  EXPECT_EQ(c["dataset"]["image_size"], 64);
  EXPECT_EQ(c["method"]["name"], "patchgd");
  EXPECT_EQ(c["seed"], 42);
  EXPECT_EQ(c["train"]["nested"]["depth"]["value"], 1);
  EXPECT_FALSE(c.contains("defaults"));
  EXPECT_FALSE(c.contains("_types"));
  EXPECT_FALSE(c.contains("extra"));  // a group folder outside the defaults is not loaded
}

TEST_F(ComposeTest, GroupOverrideReplacesTheWholeGroup) {
  nlohmann::json c = compose({"method=gd"});
  EXPECT_EQ(c["method"], nlohmann::json::parse(R"({"name": "gd", "classifier": "head"})"));
}

TEST_F(ComposeTest, GroupSelectionHappensBeforeKeyOverridesWhateverTheOrder) {
  nlohmann::json c = compose({"dataset.image_size=32", "dataset=large"});
  EXPECT_EQ(c["dataset"]["name"], "large");
  EXPECT_EQ(c["dataset"]["image_size"], 32);
}

TEST_F(ComposeTest, SetExistingKeysInOrder) {
  nlohmann::json c = compose({"train.epochs=3", "seed=7", "train.epochs=4",
                              "train.nested.depth.value=9", "train.flags=[x, y, z]"});
  EXPECT_EQ(c["train"]["epochs"], 4);
  EXPECT_EQ(c["seed"], 7);
  EXPECT_EQ(c["train"]["nested"]["depth"]["value"], 9);
  EXPECT_EQ(c["train"]["flags"], nlohmann::json::parse(R"(["x", "y", "z"])"));
}

TEST_F(ComposeTest, IntGivenForFloatKeyBecomesFloat) {
  nlohmann::json c = compose({"train.lr=1"});
  EXPECT_TRUE(c["train"]["lr"].is_number_float());
  EXPECT_EQ(c["train"]["lr"].get<double>(), 1.0);
}

TEST_F(ComposeTest, WrongTypeNamesKeyValueAndExpectedType) {
  std::string message = error_of({"train.epochs=ten"});
  EXPECT_THAT(message, HasSubstr("override 'train.epochs=ten'"));
  EXPECT_THAT(message, HasSubstr("config key 'train.epochs': value 'ten' is string; expected int"));
  EXPECT_THAT(error_of({"train.epochs=2.5"}), HasSubstr("value 2.5 is float; expected int"));
  EXPECT_THAT(error_of({"train.enabled=1"}), HasSubstr("expected bool"));
  EXPECT_THAT(error_of({"train.flags=a"}), HasSubstr("expected list"));
  EXPECT_THAT(error_of({"train.nested=3"}), HasSubstr("expected map"));
}

TEST_F(ComposeTest, QuotingDecidesTheType) {
  EXPECT_THAT(error_of({"train.name=3"}), HasSubstr("value 3 is int; expected string"));
  EXPECT_EQ(compose({"train.name='3'"})["train"]["name"], "3");
}

TEST_F(ComposeTest, NullIsAcceptedEverywhereAndANullDefaultAcceptsAnything) {
  EXPECT_TRUE(compose({"train.epochs=null"})["train"]["epochs"].is_null());
  EXPECT_EQ(compose({"dataset.cache=[1, 2]"})["dataset"]["cache"], nlohmann::json::parse("[1, 2]"));
  EXPECT_EQ(compose({"dataset.cache=/tmp/c"})["dataset"]["cache"], "/tmp/c");
}

TEST_F(ComposeTest, DeclaredTypesAllowTheirKindsAndWords) {
  EXPECT_EQ(compose({"train.batch_size=auto"})["train"]["batch_size"], "auto");
  EXPECT_EQ(compose({"train.batch_size=8"})["train"]["batch_size"], 8);
  EXPECT_EQ(compose({"train.init_from=ckpt.pt"})["train"]["init_from"], "ckpt.pt");
  nlohmann::json promoted = compose({"train.scale=2"})["train"]["scale"];
  EXPECT_TRUE(promoted.is_number_float());
  std::string message = error_of({"train.batch_size=big"});
  EXPECT_THAT(message, HasSubstr("config key 'train.batch_size': value 'big' (string) is not "
                                 "allowed; expected one of: int, auto"));
  EXPECT_THAT(error_of({"train.init_from=3"}), HasSubstr("expected one of: null, string"));
}

TEST_F(ComposeTest, UnknownKeySuggestsTheNearestAndListsTheLevel) {
  std::string message = error_of({"train.epoch=3"});
  EXPECT_THAT(message, HasSubstr("unknown config key 'train.epoch'; did you mean "
                                 "'train.epochs'? valid keys under 'train': epochs, "));
  EXPECT_THAT(message, HasSubstr("batch_size"));
  EXPECT_THAT(message, HasSubstr("nested"));
}

TEST_F(ComposeTest, UnknownTopLevelKey) {
  EXPECT_THAT(error_of({"sed=1"}), HasSubstr("unknown config key 'sed'; did you mean 'seed'? "
                                             "valid keys at the top level: seed, "));
  EXPECT_THAT(error_of({"zzzzzz=1"}), Not(HasSubstr("did you mean")));
}

TEST_F(ComposeTest, UnknownNestedKeyReportsTheFirstMissingPart) {
  EXPECT_THAT(error_of({"train.nested.dept.value=1"}),
              HasSubstr("unknown config key 'train.nested.dept.value'; did you mean "
                        "'train.nested.depth'? valid keys under 'train.nested': depth"));
}

TEST_F(ComposeTest, KeyUnderANonMappingIsAnError) {
  EXPECT_THAT(error_of({"train.epochs.x=1"}), HasSubstr("'train.epochs' is int 10, not a mapping"));
}

TEST_F(ComposeTest, UnknownGroupOptionListsOptionsNearestFirst) {
  std::string message = error_of({"dataset=smal"});
  EXPECT_THAT(message, HasSubstr("unknown option 'smal' for config group 'dataset'; did you "
                                 "mean 'small'?"));
  EXPECT_THAT(message, HasSubstr("options in " + (tree_.root() / "dataset").string() +
                                 ": small, large, larger"));
  EXPECT_THAT(error_of({"dataset=../config"}), HasSubstr("unknown option '../config'"));
}

TEST_F(ComposeTest, AddCreatesNewKeysAndRefusesExistingOnes) {
  nlohmann::json c = compose({"+train.warmup=2", "+logging.level.verbose=true"});
  EXPECT_EQ(c["train"]["warmup"], 2);
  EXPECT_EQ(c["logging"]["level"]["verbose"], true);
  std::string message = error_of({"+train.epochs=3"});
  EXPECT_THAT(message, HasSubstr("config key 'train.epochs' already exists (10)"));
  EXPECT_THAT(message, HasSubstr("'++train.epochs=3'"));
}

TEST_F(ComposeTest, ForceAddSetsOrAdds) {
  nlohmann::json c = compose({"++train.epochs=5", "++train.fresh=x"});
  EXPECT_EQ(c["train"]["epochs"], 5);
  EXPECT_EQ(c["train"]["fresh"], "x");
  EXPECT_THAT(error_of({"++train.epochs=ten"}), HasSubstr("expected int"));
}

TEST_F(ComposeTest, RemoveDeletesAKey) {
  EXPECT_FALSE(compose({"~train.epochs"})["train"].contains("epochs"));
  EXPECT_FALSE(compose({"~train.epochs=10"})["train"].contains("epochs"));
  EXPECT_FALSE(compose({"~train.lr=0.001"})["train"].contains("lr"));
}

TEST_F(ComposeTest, RemoveMissingOrMismatchedIsAnError) {
  EXPECT_THAT(error_of({"~train.missing"}),
              HasSubstr("cannot remove: unknown config key 'train.missing'"));
  EXPECT_THAT(error_of({"~train.epochs=11"}),
              HasSubstr("config key 'train.epochs' is 10, not 11; not removed"));
}

TEST_F(ComposeTest, GroupsCanBeAddedAndRemoved) {
  nlohmann::json c = compose({"+extra=one", "~method"});
  EXPECT_EQ(c["extra"]["value"], 1);
  EXPECT_FALSE(c.contains("method"));
  EXPECT_THAT(error_of({"extra=one"}), HasSubstr("config group 'extra' is not in the defaults"));
  EXPECT_THAT(error_of({"+dataset=large"}), HasSubstr("config group 'dataset' is already chosen"));
  EXPECT_EQ(compose({"++dataset=large"})["dataset"]["name"], "large");
  EXPECT_THAT(error_of({"~dataset=large"}), HasSubstr("config group 'dataset' is 'small'"));
}

TEST_F(ComposeTest, RootKeysMergeOverGroupFiles) {
  tree_.write("config.yaml", "defaults:\n  - dataset: small\ndataset:\n  image_size: 99\n");
  nlohmann::json c = compose({});
  EXPECT_EQ(c["dataset"]["image_size"], 99);
  EXPECT_EQ(c["dataset"]["name"], "small");
}

TEST_F(ComposeTest, MalformedGroupFileNamesFileLineAndColumn) {
  tree_.write("dataset/small.yaml", "name: small\nimage_size: [64\n");
  std::string message = error_of({});
  EXPECT_THAT(message, HasSubstr("malformed YAML in " +
                                 (tree_.root() / "dataset" / "small.yaml").string() + " at line"));
  EXPECT_THAT(message, HasSubstr("column"));
}

TEST_F(ComposeTest, MissingConfigOrGroupFolderNamesThePath) {
  TempTree empty;
  try {
    compose_config(empty.root(), {});
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr((empty.root() / "config.yaml").string()));
  }
  tree_.write("config.yaml", "defaults:\n  - optimizer: adam\n");
  EXPECT_THAT(error_of({}), HasSubstr("config group 'optimizer': folder not found: " +
                                      (tree_.root() / "optimizer").string()));
}

TEST_F(ComposeTest, MalformedDefaultsAndTypesAreErrors) {
  tree_.write("config.yaml", "defaults: [dataset]\n");
  EXPECT_THAT(error_of({}), HasSubstr("'defaults' entry 'dataset' is not 'group: option'"));
  tree_.write("config.yaml", "_types: {a: 3}\n");
  EXPECT_THAT(error_of({}), HasSubstr("'_types.a' must be a non-empty list"));
}

TEST(GroupOptions, ListsYamlStemsSorted) {
  TempTree t;
  testing::write_sample_tree(t);
  t.write("dataset/README.md", "not an option");
  EXPECT_EQ(group_options(t.root(), "dataset"),
            (std::vector<std::string>{"large", "larger", "small"}));
}

TEST(DefaultConfigDir, EnvironmentWins) {
  const char* old = std::getenv("PATCHGD_CONFIG_DIR");
  std::string saved = old ? old : "";
  setenv("PATCHGD_CONFIG_DIR", "/some/where", 1);
  EXPECT_EQ(default_config_dir(), std::filesystem::path("/some/where"));
  unsetenv("PATCHGD_CONFIG_DIR");
  std::filesystem::path fallback = default_config_dir();
  EXPECT_EQ(fallback.filename(), "experiments");
  EXPECT_TRUE(std::filesystem::exists(fallback / "config.yaml"));
  if (old) setenv("PATCHGD_CONFIG_DIR", saved.c_str(), 1);
}

}  // namespace
}  // namespace pgd::config
