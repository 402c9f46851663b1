// Sweeps that survive (issue: resume, concurrency, bad input, Slurm): driven through the real
// binary, with the database checked through the store.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "harness/store/result_store.h"
#include "tests/cli/cli_test_util.h"

extern char** environ;

namespace pgd::cli_test {
namespace {
namespace fs = std::filesystem;

// A toy sweep of `cells` runs of `epochs` epochs each (method × seed grid).
fs::path write_sweep(const fs::path& dir, int seeds, int epochs) {
  const fs::path f = dir / "toy.yaml";
  std::string seed_list;
  for (int i = 0; i < seeds; ++i) seed_list += (i ? "," : "") + std::to_string(i + 1);
  std::ofstream(f) << "name: toy\ntable: ultramnist\n"
                   << "overrides: [dataset=synthetic, dataset.image_size=64, dataset.train_size=8, dataset.val_size=4,\n"
                   << "  backbone=mobilenetv2-0.25, method=patchgd, method.patch_size=16, method.sampling_fraction=0.5,\n"
                   << "  train.batch_size=4, train.epochs=" << epochs << ", train.warmup_epochs=0, head.channels=16,\n"
                   << "  head.latent_dim=16, threads=1, measure.steps=1, measure.warmup_steps=0]\n"
                   << "grid:\n  seed: [" << seed_list << "]\n";
  return f;
}

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int64_t count(const fs::path& db, const std::string& sql) {
  store::ResultStore s(db);
  const auto q = s.query(sql);
  return std::stoll(q.rows.at(0).at(0).value());
}

// Polls until `sql` counts at least `n` (or a timeout).
bool wait_for(const fs::path& db, const std::string& sql, int64_t n, int seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (fs::exists(db) && count(db, sql) >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST(SweepResilience, SigkillMidSweepThenResumeFinishesEveryRunOnce) {
  const auto d = fresh_dir("kill");
  const auto sweep = write_sweep(d, 4, 3);
  const fs::path db = d / "r.db";
  pid_t pid = spawn({PATCHGD_BIN, "sweep", sweep.string(), "--db", db.string()});
  ASSERT_TRUE(wait_for(db, "SELECT count(*) FROM runs WHERE status='done'", 1, 300));
  ASSERT_TRUE(wait_for(db, "SELECT count(*) FROM runs WHERE status='running'", 1, 60));
  ::kill(pid, SIGKILL);
  wait_exit(pid);
  const int64_t done_before = count(db, "SELECT count(*) FROM runs WHERE status='done'");
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='running'"), 1);  // left by the dead process

  auto r = patchgd("sweep " + sweep.string() + " --resume --db " + db.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs"), 4);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='done'"), 4);
  EXPECT_EQ(count(db, "SELECT count(DISTINCT cell) FROM runs"), 4);
  // Each run's curve holds one attempt: 3 epochs of training loss, not more.
  EXPECT_EQ(count(db, "SELECT max(c) FROM (SELECT count(*) AS c FROM metrics WHERE split='train' AND name='loss' GROUP BY run_id)"), 3);
  EXPECT_NE(r.out.find("ran " + std::to_string(4 - done_before)), std::string::npos) << r.out;
  fs::remove_all(d);
}

TEST(SweepResilience, FourProcessesShareOneSweepWithoutDoingARunTwice) {
  const auto d = fresh_dir("four");
  const auto sweep = write_sweep(d, 8, 1);
  const fs::path db = d / "r.db";
  std::vector<pid_t> pids;
  for (int i = 0; i < 4; ++i) pids.push_back(spawn({PATCHGD_BIN, "sweep", sweep.string(), "--db", db.string()}));
  for (pid_t p : pids) EXPECT_EQ(wait_exit(p), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs"), 8);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='done'"), 8);
  EXPECT_EQ(count(db, "SELECT count(*) FROM metrics WHERE split='train' AND name='loss'"), 8);
  EXPECT_GE(count(db, "SELECT count(DISTINCT owner) FROM runs"), 2);  // the work was shared
  fs::remove_all(d);
}

TEST(SweepResilience, SigtermCancelsTheCurrentRunAndExitsCleanly) {
  const auto d = fresh_dir("term");
  const auto sweep = write_sweep(d, 2, 50);
  const fs::path db = d / "r.db";
  pid_t pid = spawn({PATCHGD_BIN, "sweep", sweep.string(), "--db", db.string()});
  ASSERT_TRUE(wait_for(db, "SELECT count(*) FROM metrics WHERE split='train'", 1, 300));
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 130);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='cancelled'"), 1);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='running'"), 0);
  fs::remove_all(d);
}

TEST(SweepResilience, SlurmScriptRunsCellsIntoShardsThatMergeIdempotently) {
  const auto d = fresh_dir("slurm");
  const auto sweep = write_sweep(d, 2, 1);
  auto r = patchgd("sweep " + sweep.string() + " --emit-slurm " + (d / "job").string() + " --partition gpu --gpus-per-task 1");
  ASSERT_EQ(r.code, 0) << r.out;
  const fs::path script = d / "job" / "toy.sbatch";
  ASSERT_TRUE(fs::exists(script));
  std::ifstream in(script);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("#SBATCH --array=0-1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#SBATCH --partition=gpu\n"), std::string::npos);
  EXPECT_NE(text.find("#SBATCH --gpus-per-task=1\n"), std::string::npos);
  // Run the script's own command lines locally, as two array tasks would.
  for (int cell : {0, 1}) {
    const int rc = std::system(("SLURM_ARRAY_TASK_ID=" + std::to_string(cell) + " bash " + script.string() + " >/dev/null 2>&1").c_str());
    ASSERT_EQ(WEXITSTATUS(rc), 0) << "cell " << cell;
  }
  const fs::path merged = d / "merged.db";
  r = patchgd("merge --db " + merged.string() + " " + (d / "job/shards/cell-0.db").string() + " " + (d / "job/shards/cell-1.db").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs WHERE status='done'"), 2);
  r = patchgd("merge --db " + merged.string() + " " + (d / "job/shards/cell-0.db").string() + " " + (d / "job/shards/cell-1.db").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("0 added"), std::string::npos) << r.out;
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 2);
  fs::remove_all(d);
}

// Bad input: a clear error naming what is at fault, a non-zero exit, the database untouched.
TEST(SweepResilience, BadInputIsRejectedBeforeAnythingIsRecorded) {
  const auto d = fresh_dir("bad");
  const fs::path db = d / "r.db";
  ASSERT_EQ(patchgd("sweep " + write_sweep(d, 1, 1).string() + " --db " + db.string()).code, 0);
  const int64_t runs = count(db, "SELECT count(*) FROM runs");
  struct Case { std::string args, needle; };
  const std::vector<Case> cases = {
      {"run method=patchgd method.sampling_fraction=1.5", "method.sampling_fraction"},
      {"run method=patchgd method.sampling_fraction=0", "method.sampling_fraction"},
      {"run method=patchgd dataset.image_size=64 method.patch_size=128", "method.patch_size"},
      {"run method=patchgd dataset.image_size=96 method.patch_size=64", "method.patch_size"},
      {"run train.epochs=-3", "train.epochs"},
      {"run train.batch_size=0", "train.batch_size"},
      {"run memory.cap=4XB", "memory.cap"},
      {"run memory.cap=1MB backbone=resnet50", "memory.cap"},
      {"run device=tpu", "device"},
      {"run memory_format=nhwc", "channels_last"},
      {"run train.lr=fast", "train.lr"},
  };
  for (const auto& c : cases) {
    auto r = patchgd(c.args + " --db " + db.string());
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.needle), std::string::npos) << c.args << "\n" << r.out;
  }
  const fs::path broken = d / "broken.yaml";
  std::ofstream(broken) << "name: broken\ngrid:\n  seed: [1, 2\n";
  auto r = patchgd("sweep " + broken.string() + " --db " + db.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("line"), std::string::npos) << r.out;
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs"), runs);
  fs::remove_all(d);
}

TEST(SweepResilience, MissingDataFailsTheRunAndTheExitCodeCountsFailures) {
  const auto d = fresh_dir("missing");
  const fs::path f = d / "m.yaml";
  std::ofstream(f) << "name: missing\noverrides: [dataset=ultramnist10, dataset.image_size=64, dataset.mnist_path=/no/such/dir,\n"
                   << "  method=gd, backbone=mobilenetv2-0.25, train.epochs=1, threads=1]\ngrid:\n  seed: [1, 2]\n";
  auto r = patchgd("sweep " + f.string() + " --db " + (d / "r.db").string());
  EXPECT_EQ(r.code, 102) << r.out;  // 100 + two failed runs
  EXPECT_NE(r.out.find("/no/such/dir"), std::string::npos) << r.out;
  EXPECT_EQ(count(d / "r.db", "SELECT count(*) FROM runs WHERE status='failed'"), 2);
  fs::remove_all(d);
}

// Issue 17, item 1: under --resume a failing run was claimed again at once, forever, and the
// cells after it never ran. Each run is attempted once per invocation; later invocations retry
// it until --max-attempts, then leave it failed.
TEST(SweepResilience, ResumeAttemptsAFailingRunOncePerInvocationAndStopsAtMaxAttempts) {
  const auto d = fresh_dir("retry");
  const fs::path f = d / "m.yaml";
  std::ofstream(f) << "name: retry\noverrides: [dataset=ultramnist10, dataset.image_size=64, dataset.mnist_path=/no/such/x.json,\n"
                   << "  method=gd, backbone=mobilenetv2-0.25, train.epochs=1, threads=1]\ngrid:\n  seed: [1, 2, 3]\n";
  const fs::path db = d / "r.db";
  const std::string cmd = "sweep " + f.string() + " --resume --max-attempts 2 --db " + db.string();
  auto r = patchgd(cmd);
  EXPECT_EQ(r.code, 103) << r.out;  // every cell visited, each failed once
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='failed' AND attempts=1"), 3);
  EXPECT_NE(r.out.find("ran 3"), std::string::npos) << r.out;
  r = patchgd(cmd);
  EXPECT_EQ(r.code, 103) << r.out;
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE attempts=2"), 3);
  r = patchgd(cmd);  // every run has had its two attempts: nothing is retried, and it says so
  EXPECT_EQ(r.code, 103) << r.out;
  EXPECT_NE(r.out.find("ran 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not retried"), std::string::npos) << r.out;
  EXPECT_EQ(count(db, "SELECT max(attempts) FROM runs"), 2);
  EXPECT_EQ(patchgd(cmd + " --max-attempts -1").code, 2);
  fs::remove_all(d);
}

}  // namespace
}  // namespace pgd::cli_test
