#pragma once
// What the compose-level config tests share: a sample tree on disk, compose_config over it,
// the text of the ConfigError a call throws, and a comparison that tells 1 from 1.0.
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/config_tree.h"
#include "tests/config/temp_tree.h"

namespace pgd::config::testing {

// The message of the ConfigError that `f` throws, or "(no ConfigError)".
inline std::string config_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

// Same value and same kind (int, float, string, ...): JSON's == takes 1 for 1.0.
inline void expect_typed(const nlohmann::json& actual, const nlohmann::json& expected) {
  EXPECT_EQ(kind_name(actual), kind_name(expected)) << actual.dump() << " vs " << expected.dump();
  EXPECT_EQ(actual, expected);
}

class ComposeFixture : public ::testing::Test {
 protected:
  void SetUp() override { write_sample_tree(tree_); }

  nlohmann::json compose(const std::vector<std::string>& overrides = {}) {
    return compose_config(tree_.root(), overrides);
  }

  std::string error_of(const std::vector<std::string>& overrides) {
    return config_error_of([&] { compose(overrides); });
  }

  TempTree tree_;
};

}  // namespace pgd::config::testing
