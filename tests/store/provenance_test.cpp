#include "harness/store/provenance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/store/store_test_util.h"

namespace pgd::store {
namespace {

class ProvenanceTest : public testing::TempDirTest {};

TEST_F(ProvenanceTest, MachineFieldsAndVersionAreFilled) {
  const Provenance p = collect_provenance(PATCHGD_SOURCE_DIR);
  EXPECT_FALSE(p.host.empty());
  EXPECT_EQ(p.host, host_name());
  EXPECT_EQ(p.patchgd_version, PATCHGD_VERSION);
  // Left for the LibTorch-linking caller.
  EXPECT_EQ(p.torch_version, "");
  EXPECT_EQ(p.gpu_name, "");
  EXPECT_EQ(p.threads, 0);
  if (std::filesystem::exists("/proc/cpuinfo")) {
    EXPECT_EQ(p.cpu_model, cpu_model_name());
  }
}

TEST_F(ProvenanceTest, CommitIsFullHashInsideARepository) {
  const Provenance p = collect_provenance(PATCHGD_SOURCE_DIR);
  // Empty is allowed (source tree exported without .git, or no git installed).
  if (!p.git_commit.empty()) {
    EXPECT_THAT(p.git_commit, ::testing::MatchesRegex("[0-9a-f]{40}"));
  }
}

TEST_F(ProvenanceTest, OutsideARepositoryCommitIsEmptyAndClean) {
  // A folder name with a quote and a space must not break the shell command.
  const auto odd = dir_ / "it's a dir";
  std::filesystem::create_directories(odd);
  const Provenance p = collect_provenance(odd);
  EXPECT_EQ(p.git_commit, "");
  EXPECT_FALSE(p.git_dirty);
}

TEST_F(ProvenanceTest, DirtyFlagFollowsTheWorkingTree) {
  if (std::system("git --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "git not installed";
  const std::string repo = (dir_ / "repo").string();
  const std::string git = "git -C '" + repo + "' -c user.name=t -c user.email=t@t ";
  ASSERT_EQ(std::system(("git init -q '" + repo + "' >/dev/null 2>&1").c_str()), 0);
  testing::write_file(dir_ / "repo" / "a.txt", "1");
  ASSERT_EQ(std::system((git + "add a.txt && " + git + "commit -qm one >/dev/null 2>&1").c_str()),
            0);
  const Provenance clean = collect_provenance(dir_ / "repo");
  EXPECT_THAT(clean.git_commit, ::testing::MatchesRegex("[0-9a-f]{40}"));
  EXPECT_FALSE(clean.git_dirty);
  testing::write_file(dir_ / "repo" / "a.txt", "2");
  const Provenance dirty = collect_provenance(dir_ / "repo");
  EXPECT_EQ(dirty.git_commit, clean.git_commit);
  EXPECT_TRUE(dirty.git_dirty);
}

TEST_F(ProvenanceTest, OwnerIsHostColonPid) {
  EXPECT_EQ(process_owner(), host_name() + ":" + std::to_string(getpid()));
}

}  // namespace
}  // namespace pgd::store
