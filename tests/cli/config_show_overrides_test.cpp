// Hydra's override forms as a user meets them: through `patchgd config show`, whose YAML is the
// config a run would record (after validation), or its error and exit code 2.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/cli_test_util.h"

namespace pgd::cli_test {
namespace {

void expect_shows(const std::string& overrides, const std::string& yaml_part) {
  const auto r = patchgd("config show " + overrides);
  ASSERT_EQ(r.code, 0) << overrides << "\n" << r.out;
  EXPECT_NE(r.out.find(yaml_part), std::string::npos) << overrides << "\n" << r.out;
}

TEST(ConfigShowOverrides, DictsAreMappingsAndMergeIntoSections) {
  expect_shows("'+x={a:1,b:2}'", "x:\n  a: 1\n  b: 2\n");
  // head={...} merges: the keys it does not name keep their values.
  expect_shows("'head={layers: 2}'", "head:\n  channels: 256\n  dropout: 0.2\n  latent_dim: 256\n  layers: 2\n");
}

TEST(ConfigShowOverrides, HydraTypingAndEscapes) {
  expect_shows("train.epochs=10_0", "epochs: 100\n");
  expect_shows("+train.init_from=ckpt.pt", "init_from: ckpt.pt\n");  // + on a null key sets it
  expect_shows("'dataset.mnist_path=a\\,b'", "mnist_path: 'a,b'\n");   // an escaped comma, no sweep
}

TEST(ConfigShowOverrides, InterpolationIsResolvedBeforeValidationAndHashing) {
  expect_shows("'train.head_lr=${train.lr}'", "head_lr: 0.001\n");
  const auto a = patchgd("config show 'train.head_lr=${train.lr}'");
  const auto b = patchgd("config show train.head_lr=0.001");
  ASSERT_EQ(a.code, 0) << a.out;
  EXPECT_EQ(a.out.substr(0, a.out.find('\n')), b.out.substr(0, b.out.find('\n')));  // same hash
  const auto cycle = patchgd("config show 'train.lr=${train.head_lr}' 'train.head_lr=${train.lr}'");
  EXPECT_EQ(cycle.code, 2) << cycle.out;
  EXPECT_NE(cycle.out.find("train.lr"), std::string::npos) << cycle.out;
}

TEST(ConfigShowOverrides, GlobSweepsGroupOptions) {
  const auto r = patchgd("config show -m 'method=glob(*)'");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("# overrides: method=gd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# overrides: method=patchgd"), std::string::npos) << r.out;
}

TEST(ConfigShowOverrides, TextAfterAValueIsAnErrorWithItsColumn) {
  for (const std::string bad : {"'train.epochs=[]aa'", "\"method.name='gd' junk\"",
                                "'+x=int('", "-m 'method.name=choice(choice(gd,patchgd))'"}) {
    const auto r = patchgd("config show " + bad);
    EXPECT_EQ(r.code, 2) << bad << "\n" << r.out;
    EXPECT_EQ(r.out.find("config hash"), std::string::npos) << bad << "\n" << r.out;
  }
  const auto r = patchgd("config show 'train.epochs=[]aa'");
  EXPECT_NE(r.out.find("column"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pgd::cli_test
