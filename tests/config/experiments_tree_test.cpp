// The real experiments/ tree: every group option and every sweep file must compose.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/config_hash.h"
#include "harness/config/sweep.h"
#include "harness/config/yaml_emit.h"
#include "harness/config/yaml_json.h"

namespace pgd::config {
namespace {

namespace fs = std::filesystem;

const fs::path kTree = fs::path(PATCHGD_SOURCE_DIR) / "experiments";

TEST(ExperimentsTree, ComposesWithItsDefaults) {
  nlohmann::json c = compose_config(kTree, {});
  EXPECT_EQ(c["dataset"]["name"], "ultramnist10");
  EXPECT_EQ(c["backbone"]["name"], "resnet50");
  EXPECT_EQ(c["method"]["name"], "patchgd");
  EXPECT_TRUE(c["memory"].contains("cap"));
  EXPECT_EQ(c["seed"], 42);
  EXPECT_FALSE(c.contains("defaults"));
  EXPECT_FALSE(c.contains("_types"));
  EXPECT_EQ(config_hash(c), config_hash(compose_config(kTree, {})));
  EXPECT_EQ(compose_config(kTree, {}), parse_yaml(to_yaml(c), "show"));
}

TEST(ExperimentsTree, EveryGroupOptionComposes) {
  nlohmann::json defaults = load_yaml_file(kTree / "config.yaml")["defaults"];
  ASSERT_TRUE(defaults.is_array());
  for (const auto& entry : defaults) {
    const std::string group = entry.begin().key();
    auto options = group_options(kTree, group);
    EXPECT_FALSE(options.empty()) << group;
    for (const auto& option : options) {
      nlohmann::json c;
      EXPECT_NO_THROW(c = compose_config(kTree, {group + "=" + option})) << group << "=" << option;
      EXPECT_TRUE(c[group].is_object()) << group << "=" << option;
    }
  }
}

TEST(ExperimentsTree, DeclaredPolymorphicKeysAcceptTheirForms) {
  EXPECT_EQ(compose_config(kTree, {"train.batch_size=auto"})["train"]["batch_size"], "auto");
  EXPECT_EQ(compose_config(kTree, {"train.init_from=ckpt.pt"})["train"]["init_from"], "ckpt.pt");
  EXPECT_EQ(compose_config(kTree, {"dataset=panda", "dataset.level=2"})["dataset"]["level"], 2);
  EXPECT_EQ(compose_config(kTree, {"dataset=ultramnist",
                                   "dataset.scale_weights=[1, 2]"})["dataset"]["scale_weights"],
            nlohmann::json::parse("[1, 2]"));
  EXPECT_THROW(compose_config(kTree, {"train.epochs=many"}), ConfigError);
}

TEST(ExperimentsTree, EverySweepFileLoadsAtEachOfItsScales) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kTree / "sweeps", ec)) {
    if (entry.path().extension() != ".yaml") continue;
    nlohmann::json doc = load_yaml_file(entry.path());
    std::vector<std::string> scales = {"smoke", "mini", "paper"};
    if (doc.contains("scales") && doc["scales"].is_object()) {
      scales.clear();
      for (const auto& item : doc["scales"].items()) scales.push_back(item.key());
    }
    for (const auto& scale : scales) {
      SweepPlan plan;
      EXPECT_NO_THROW(plan = load_sweep(entry.path(), scale, {}, kTree))
          << entry.path() << " at " << scale;
      EXPECT_FALSE(plan.cells.empty()) << entry.path() << " at " << scale;
    }
  }
}

}  // namespace
}  // namespace pgd::config
