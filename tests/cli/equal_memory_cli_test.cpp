// The equal-memory settings as a user meets them: set from the command line, part of the hash,
// refused with the key named when wrong, and the smoke scale of the equal-memory sweep end to end
// with its table and claim.
#include <gtest/gtest.h>

#include "tests/cli/cli_test_util.h"

namespace pgd::cli_test {
namespace {
namespace fs = std::filesystem;

const std::string kTiny =
    " dataset=synthetic dataset.image_size=64 dataset.train_size=8 dataset.val_size=4"
    " backbone=mobilenetv2-0.25 train.batch_size=4 train.epochs=1 train.warmup_epochs=0"
    " head.channels=16 head.latent_dim=16 threads=1 measure.latency=false";

std::string hash_line(const std::string& out) {
  const auto at = out.find("hash");
  return at == std::string::npos ? "" : out.substr(at, out.find('\n', at) - at);
}

TEST(EqualMemoryCli, SettingsRunFromTheCommandLineAndChangeTheHash) {
  const auto d = fresh_dir("equal-memory-run");
  const std::string db = " --db " + (d / "r.db").string();
  auto r = patchgd("run method=gd method.checkpoint=blocks method.input_size=32" + kTiny + db);
  ASSERT_EQ(r.code, 0) << r.out;
  r = patchgd(
      "run method=patchgd method.patch_size=16 method.sampling_fraction=0.5"
      " method.inner_chunk=3" +
      kTiny + db);
  ASSERT_EQ(r.code, 0) << r.out;
  auto q =
      patchgd("query --tsv" + db + " \"SELECT value FROM measurements WHERE name='input_size'\"");
  EXPECT_NE(q.out.find("32"), std::string::npos) << q.out;

  const auto plain = patchgd("config show method=gd");
  const auto off = patchgd("config show method=gd method.checkpoint=off");
  const auto on = patchgd("config show method=gd method.checkpoint=stages");
  ASSERT_EQ(plain.code, 0) << plain.out;
  EXPECT_FALSE(hash_line(plain.out).empty()) << plain.out;
  EXPECT_EQ(hash_line(off.out), hash_line(plain.out));
  EXPECT_NE(hash_line(on.out), hash_line(plain.out));
}

TEST(EqualMemoryCli, BadValuesNameTheirKey) {
  for (const auto& [args, key] : std::vector<std::pair<std::string, std::string>>{
           {"method=gd method.checkpoint=always", "method.checkpoint"},
           {"method=gd method.input_size=1024", "method.input_size"},
           {"method=patchgd +method.checkpoint=stages", "method.checkpoint"},
           {"method=patchgd method.inner_chunk=-4", "method.inner_chunk"}}) {
    const auto r = patchgd("config show " + args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.out;
    EXPECT_NE(r.out.find(key), std::string::npos) << args << ": " << r.out;
  }
}

TEST(EqualMemoryCli, SmokeSweepTableAndClaim) {
  const auto d = fresh_dir("equal-memory-sweep");
  const std::string db = " --db " + (d / "r.db").string();
  const fs::path sweep = fs::path(PATCHGD_SOURCE_DIR) / "experiments/sweeps/equal-memory.yaml";
  auto r = patchgd("sweep " + sweep.string() + " scale=smoke" + db);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("6 done"), std::string::npos) << r.out;
  auto t = patchgd("tables --table equal-memory --format md" + db);
  ASSERT_EQ(t.code, 0) << t.out;
  EXPECT_NE(t.out.find("[batch "), std::string::npos) << "the chosen setting is shown: " << t.out;
  const auto out = d / "claims.md";
  auto c = patchgd("claims --out " + out.string() + db);
  ASSERT_EQ(c.code, 0) << c.out;
  EXPECT_NE(c.out.find("best GD-family baseline"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("best of 4 settings"), std::string::npos) << c.out;
}

}  // namespace
}  // namespace pgd::cli_test
