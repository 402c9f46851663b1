// Sweeps that survive (issue: resume, concurrency, bad input, Slurm): driven through the real
// binary, with the database checked through the store.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <torch/serialize/input-archive.h>
#include <torch/torch.h>

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
                   << "overrides: [dataset=synthetic, dataset.image_size=64, dataset.train_size=8, "
                      "dataset.val_size=4,\n"
                   << "  backbone=mobilenetv2-0.25, method=patchgd, method.patch_size=16, "
                      "method.sampling_fraction=0.5,\n"
                   << "  train.batch_size=4, train.epochs=" << epochs
                   << ", train.warmup_epochs=0, head.channels=16,\n"
                   << "  head.latent_dim=16, threads=1, measure.steps=1, measure.warmup_steps=0]\n"
                   << "grid:\n  seed: [" << seed_list << "]\n";
  return f;
}

// The text of a whole file ("" when absent).
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
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
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='running'"),
            1);  // left by the dead process

  auto r = patchgd("sweep " + sweep.string() + " --resume --db " + db.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs"), 4);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='done'"), 4);
  EXPECT_EQ(count(db, "SELECT count(DISTINCT cell) FROM runs"), 4);
  // Each run's curve holds one attempt: 3 epochs of training loss, not more.
  EXPECT_EQ(count(db,
                  "SELECT max(c) FROM (SELECT count(*) AS c FROM metrics WHERE split='train' AND "
                  "name='loss' GROUP BY run_id)"),
            3);
  EXPECT_NE(r.out.find("ran " + std::to_string(4 - done_before)), std::string::npos) << r.out;
  fs::remove_all(d);
}

TEST(SweepResilience, FourProcessesShareOneSweepWithoutDoingARunTwice) {
  const auto d = fresh_dir("four");
  const auto sweep = write_sweep(d, 8, 1);
  const fs::path db = d / "r.db";
  std::vector<pid_t> pids;
  for (int i = 0; i < 4; ++i)
    pids.push_back(spawn({PATCHGD_BIN, "sweep", sweep.string(), "--db", db.string()}));
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
  auto r = patchgd("sweep " + sweep.string() + " --emit-slurm " + (d / "job").string() +
                   " --partition gpu --gpus-per-task 1");
  ASSERT_EQ(r.code, 0) << r.out;
  const fs::path script = d / "job" / "toy.sbatch";
  ASSERT_TRUE(fs::exists(script));
  const std::string text = slurp(script);
  EXPECT_NE(text.find("#SBATCH --array=0-1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#SBATCH --partition=gpu\n"), std::string::npos);
  EXPECT_NE(text.find("#SBATCH --gpus-per-task=1\n"), std::string::npos);
  // Run the script's own command lines locally, as two array tasks would.
  for (int cell : {0, 1}) {
    const int rc = std::system(("SLURM_ARRAY_TASK_ID=" + std::to_string(cell) + " bash " +
                                script.string() + " >/dev/null 2>&1")
                                   .c_str());
    ASSERT_EQ(WEXITSTATUS(rc), 0) << "cell " << cell;
  }
  const fs::path merged = d / "merged.db";
  r = patchgd("merge --db " + merged.string() + " " + (d / "job/shards/cell-0.db").string() + " " +
              (d / "job/shards/cell-1.db").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs WHERE status='done'"), 2);
  r = patchgd("merge --db " + merged.string() + " " + (d / "job/shards/cell-0.db").string() + " " +
              (d / "job/shards/cell-1.db").string());
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
  struct Case {
    std::string args, needle;
  };
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
  std::ofstream(f) << "name: missing\noverrides: [dataset=ultramnist10, dataset.image_size=64, "
                      "dataset.mnist_path=/no/such/dir,\n"
                   << "  method=gd, backbone=mobilenetv2-0.25, train.epochs=1, threads=1]\ngrid:\n "
                      " seed: [1, 2]\n";
  auto r = patchgd("sweep " + f.string() + " --db " + (d / "r.db").string());
  EXPECT_EQ(r.code, 102) << r.out;  // 100 + two failed runs
  EXPECT_NE(r.out.find("/no/such/dir"), std::string::npos) << r.out;
  EXPECT_EQ(count(d / "r.db", "SELECT count(*) FROM runs WHERE status='failed'"), 2);
  fs::remove_all(d);
}

// Compares two checkpoint archives tensor by tensor, model weights, buffers and generator states
// (not the optimizer: LibTorch keys its state by tensor address, so the files differ in bytes even
// between two uninterrupted runs). Returns how many tensors were compared; names of unequal or
// missing ones go to `differ`.
int64_t equal_tensors(torch::serialize::InputArchive& a, torch::serialize::InputArchive& b,
                      const std::string& prefix, std::vector<std::string>& differ) {
  int64_t n = 0;
  for (const auto& key : a.keys()) {
    if (prefix.empty() && key == "optimizer") continue;
    torch::serialize::InputArchive sa, sb;
    if (a.try_read(key, sa)) {
      if (!b.try_read(key, sb))
        differ.push_back(prefix + key + " (missing)");
      else
        n += equal_tensors(sa, sb, prefix + key + ".", differ);
      continue;
    }
    torch::Tensor ta, tb;
    if (!a.try_read(key, ta) && !a.try_read(key, ta, /*is_buffer=*/true)) continue;
    if (!b.try_read(key, tb) && !b.try_read(key, tb, /*is_buffer=*/true))
      differ.push_back(prefix + key + " (missing)");
    else if (!ta.sizes().equals(tb.sizes()) || !torch::equal(ta, tb))
      differ.push_back(prefix + key);
    ++n;
  }
  return n;
}

// Rows of `table` for the only sweep run in `a` that have no exactly equal row (REAL compared as
// stored, bit for bit) in `b`'s, and the other way round.
int64_t differing_rows(const fs::path& a, const fs::path& b, const std::string& table,
                       const std::string& cols) {
  store::ResultStore s(a);
  const std::string sel = "SELECT " + cols + " FROM ";
  const auto q = s.query("ATTACH DATABASE '" + b.string() +
                         "' AS other; "
                         "SELECT (SELECT count(*) FROM (" +
                         sel + "main." + table + " EXCEPT " + sel + "other." + table +
                         ")) + (SELECT count(*) FROM (" + sel + "other." + table + " EXCEPT " +
                         sel + "main." + table + ")) + abs((SELECT count(*) FROM main." + table +
                         ") - (SELECT count(*) FROM other." + table + "))");
  const int64_t n = std::stoll(q.rows.at(0).at(0).value());
  s.query("DETACH DATABASE other");
  return n;
}

// Issue 17, item 6: a run killed with SIGKILL mid-epoch and resumed from its checkpoint is the
// run it replaces: the same metrics of every epoch (bit for bit), the same best predictions and
// the same final weights and generator states (tensor for tensor). PatchGD with a dropout
// head, so both its own sampling generator and the process's default one are exercised.
TEST(SweepResilience, AResumedRunIsBitIdenticalToAnUninterruptedOne) {
  const auto d = fresh_dir("identical");
  const fs::path f = d / "one.yaml";
  std::ofstream(f)
      << "name: one\noverrides: [dataset=synthetic, dataset.image_size=64, dataset.train_size=48,\n"
      << "  dataset.val_size=8, backbone=mobilenetv2-0.25, method=patchgd, method.patch_size=16,\n"
      << "  method.sampling_fraction=0.25, train.batch_size=4, train.epochs=6, "
         "train.warmup_epochs=1,\n"
      << "  head.channels=16, head.latent_dim=16, head.dropout=0.5, threads=1, "
         "measure.latency=false, seed=5]\n";
  const auto run = [&](const std::string& tag) {
    return std::vector<std::string>{PATCHGD_BIN,
                                    "sweep",
                                    f.string(),
                                    "train.checkpoint_dir=" + (d / ("ck_" + tag)).string(),
                                    "--checkpoint-dir",
                                    "none",
                                    "--db",
                                    (d / (tag + ".db")).string()};
  };
  ASSERT_EQ(wait_exit(spawn(run("a"))), 0);

  const pid_t pid = spawn(run("b"));
  const fs::path ck_b = d / "ck_b";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  auto has_state = [&] {
    if (!fs::exists(ck_b)) return false;
    for (const auto& e : fs::directory_iterator(ck_b))
      if (e.path().extension() == ".json") return true;
    return false;
  };
  while (!has_state() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(has_state()) << "no checkpoint after the first epoch";
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // into the next epoch
  ::kill(pid, SIGKILL);
  wait_exit(pid);
  const fs::path b_db = d / "b.db";
  ASSERT_EQ(count(b_db, "SELECT count(*) FROM runs WHERE status='running'"), 1)
      << "the run ended before the kill";

  std::vector<std::string> resume = run("b");
  resume.push_back("--resume");
  std::string cmd;
  for (size_t i = 1; i < resume.size(); ++i) cmd += resume[i] + " ";
  const auto r = patchgd(cmd);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("resuming from checkpoint"), std::string::npos) << r.out;

  const fs::path a_db = d / "a.db";
  EXPECT_EQ(count(b_db, "SELECT count(*) FROM metrics WHERE split='train' AND name='loss'"), 6);
  EXPECT_EQ(differing_rows(a_db, b_db, "metrics", "epoch, split, name, value"), 0);
  EXPECT_EQ(differing_rows(a_db, b_db, "predictions", "split, sample_id, label, predicted"), 0);
  EXPECT_EQ(count(b_db, "SELECT count(*) FROM predictions"), 8);  // the best epoch's only
  std::vector<fs::path> finals;
  for (const char* tag : {"ck_a", "ck_b"})
    for (const auto& e : fs::directory_iterator(d / tag))
      if (e.path().extension() == ".pt") finals.push_back(e.path());
  ASSERT_EQ(finals.size(), 2u);
  torch::serialize::InputArchive a, b;
  a.load_from(finals[0].string());
  b.load_from(finals[1].string());
  std::vector<std::string> differ;
  EXPECT_GT(equal_tensors(a, b, "", differ), 100);  // every weight, buffer and generator state
  EXPECT_TRUE(differ.empty()) << differ.size() << " tensors differ, first " << differ.front();
  fs::remove_all(d);
}

// Issue 17, item 5: a task that found its cell `running` under another owner ended at once
// ("ran 0", exit 0). It now says so, waits until that row's heartbeat is stale, and takes over.
TEST(SweepResilience, ACellRunningElsewhereIsWaitedForThenTakenOver) {
  const auto d = fresh_dir("stale");
  const auto sweep = write_sweep(d, 1, 1);
  const fs::path db = d / "r.db";
  ASSERT_EQ(patchgd("sweep " + sweep.string() + " --db " + db.string()).code, 0);
  {  // as a task on another host that was just killed leaves it
    store::ResultStore s(db);
    // The heartbeat a few seconds ahead, so that a slow start of the next command on a loaded
    // machine cannot find it stale already (the wait is what is tested).
    s.query(
        "UPDATE runs SET status='running', owner='elsewhere:1', "
        "heartbeat_at=strftime('%Y-%m-%dT%H:%M:%fZ','now','+6 seconds')");
  }
  const auto r =
      patchgd("sweep " + sweep.string() + " --cell 0 --resume --stale-after 2 --db " + db.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("is running in elsewhere:1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ran 1"), std::string::npos) << r.out;
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='done' AND attempts=2"), 1);
  fs::remove_all(d);
}

// Issue 17, items 3, 4 and 7: the emitted script pins the folder it runs from and the config
// folder it was emitted with (a custom one used to be ignored: seed 42 instead of 7), ties
// threads to the allocation, asks for no memory the cluster did not offer, and `runs unfinished`
// names the cells to resubmit.
TEST(SweepResilience, SlurmScriptKeepsItsConfigFolderAndNamesUnfinishedCells) {
  const auto d = fresh_dir("slurmcfg");
  const fs::path cfg = d / "configs";
  const char* source = std::getenv("PATCHGD_SOURCE_DIR");  // set by ctest
  ASSERT_NE(source, nullptr) << "run under ctest, or set PATCHGD_SOURCE_DIR to the checkout";
  fs::copy(fs::path(source) / "experiments", cfg, fs::copy_options::recursive);
  std::string base = slurp(cfg / "config.yaml");
  const auto at = base.find("\nseed: 42");
  ASSERT_NE(at, std::string::npos);
  base.replace(at, 9, "\nseed: 7");
  std::ofstream(cfg / "config.yaml") << base;
  std::ofstream(cfg / "sweeps" / "two.yaml")
      << "name: two\noverrides: [dataset=synthetic, dataset.image_size=64, dataset.train_size=4, "
         "dataset.val_size=2,\n"
      << "  backbone=mobilenetv2-0.25, method=gd, train.batch_size=2, train.epochs=1, "
         "head.channels=16,\n"
      << "  head.latent_dim=16, measure.latency=false]\ngrid:\n  train.lr: [0.001, 0.01]\n";
  const fs::path job = d / "job";
  auto r = patchgd("sweep two --config-dir " + cfg.string() + " --emit-slurm " + job.string() +
                   " --db " + (d / "all.db").string());
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string text = slurp(job / "two.sbatch");
  EXPECT_NE(text.find("--config-dir '" + fs::absolute(cfg).string() + "'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("--threads \"${SLURM_CPUS_PER_TASK:-0}\""), std::string::npos) << text;
  EXPECT_NE(text.find("\ncd '" + fs::current_path().string() + "'\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("--mem"), std::string::npos) << text;
  EXPECT_NE(text.find("merge --db '" + (d / "all.db").string() + "'"), std::string::npos) << text;
  EXPECT_NE(r.out.find("merge:    patchgd merge --db " + (d / "all.db").string()),
            std::string::npos)
      << r.out;

  r = patchgd("runs unfinished " + job.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("2 of 2 cells unfinished: 0-1"), std::string::npos) << r.out;
  // Task 1 only, from another folder, as a node would run it.
  const int rc = std::system(("cd / && SLURM_ARRAY_TASK_ID=1 SLURM_CPUS_PER_TASK=1 bash " +
                              (job / "two.sbatch").string() + " >/dev/null 2>&1")
                                 .c_str());
  ASSERT_EQ(WEXITSTATUS(rc), 0);
  const fs::path shard = job / "shards" / "cell-1.db";
  EXPECT_EQ(
      count(shard,
            "SELECT count(*) FROM runs WHERE cell=1 AND status='done' AND seed=7 AND threads=1"),
      1);
  r = patchgd("runs unfinished " + job.string());
  EXPECT_NE(r.out.find("1 of 2 cells unfinished: 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("resubmit: sbatch --array=0 " + fs::absolute(job / "two.sbatch").string()),
            std::string::npos)
      << r.out;
  EXPECT_EQ(patchgd("runs unfinished --quiet " + job.string()).out, "0\n");
  r = patchgd("runs unfinished " + d.string());  // not a job folder
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("job.json"), std::string::npos) << r.out;
  fs::remove_all(d);
}

// Issue 17, item 1: under --resume a failing run was claimed again at once, forever, and the
// cells after it never ran. Each run is attempted once per invocation; later invocations retry
// it until --max-attempts, then leave it failed.
TEST(SweepResilience, ResumeAttemptsAFailingRunOncePerInvocationAndStopsAtMaxAttempts) {
  const auto d = fresh_dir("retry");
  const fs::path f = d / "m.yaml";
  std::ofstream(f) << "name: retry\noverrides: [dataset=ultramnist10, dataset.image_size=64, "
                      "dataset.mnist_path=/no/such/x.json,\n"
                   << "  method=gd, backbone=mobilenetv2-0.25, train.epochs=1, threads=1]\ngrid:\n "
                      " seed: [1, 2, 3]\n";
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

// `--workers N`: N processes share one sweep's runs. Every run is taken exactly once, each with
// the thread count the parent gave it; under --resume a failing run is attempted once per
// invocation across all workers (they share the invocation's start), and the exit code counts
// the failures of all workers, as one process would.
TEST(SweepResilience, WorkersShareOneSweepAndEachRunIsTakenOnce) {
  const auto d = fresh_dir("workers");
  const fs::path ok = d / "ok.yaml";
  std::ofstream(ok) << "name: workers\noverrides: [dataset=synthetic, dataset.image_size=64, "
                       "dataset.train_size=4,\n"
                    << "  dataset.val_size=2, method=gd, backbone=mobilenetv2-0.25, "
                       "head.channels=32, head.latent_dim=32,\n"
                    << "  train.batch_size=2, train.epochs=1, train.max_batches_per_epoch=1, "
                       "measure.latency=false]\n"
                    << "grid:\n  seed: [1, 2, 3, 4, 5]\n";
  const fs::path db = d / "w.db";
  auto r = patchgd("sweep " + ok.string() + " --workers 2 --db " + db.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status='done' AND attempts=1"), 5);
  cpu_set_t cpus;  // the parent gives each worker the CPUs it may use, divided by the workers
  CPU_ZERO(&cpus);
  ASSERT_EQ(::sched_getaffinity(0, sizeof cpus, &cpus), 0);
  const int64_t each = std::getenv("SLURM_CPUS_PER_TASK") ? -1 : std::max(1, CPU_COUNT(&cpus) / 2);
  if (each > 0)
    EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE threads=" + std::to_string(each)), 5);
  EXPECT_NE(r.out.find("[w1] "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("runs now: 5 done"), std::string::npos) << r.out;

  const fs::path bad = d / "bad.yaml";
  std::ofstream(bad)
      << "name: workers-bad\noverrides: [dataset=ultramnist10, dataset.image_size=64, "
         "dataset.mnist_path=/no/such/x.json,\n"
      << "  method=gd, backbone=mobilenetv2-0.25, train.epochs=1]\ngrid:\n  seed: [1, 2, 3]\n";
  r = patchgd("sweep " + bad.string() + " --workers 2 --threads 1 --resume --db " + db.string());
  EXPECT_EQ(r.code, 103) << r.out;  // as one process would: 3 runs failed
  EXPECT_EQ(count(db,
                  "SELECT count(*) FROM runs r JOIN sweeps s ON s.id = r.sweep_id "
                  "WHERE s.name='workers-bad' AND status='failed' AND attempts=1"),
            3);
  EXPECT_EQ(patchgd("sweep " + ok.string() + " --workers 0 --db " + db.string()).code, 2);
  EXPECT_EQ(patchgd("sweep " + ok.string() + " --workers 2 --cell 0 --db " + db.string()).code, 2);
  fs::remove_all(d);
}

}  // namespace
}  // namespace pgd::cli_test
