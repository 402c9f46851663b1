#include "harness/cli/sweep_workers.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace pgd::cli {
namespace {

pid_t spawn(const std::filesystem::path& binary, const std::vector<std::string>& args) {
  std::vector<std::string> words{binary.string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  // Each worker in its own process group: a Ctrl-C reaches only us, and we pass on exactly one
  // SIGTERM (a second signal would make a worker die at once instead of finishing cleanly).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, binary.c_str(), nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    throw std::runtime_error("cannot start a sweep worker (" + binary.string() +
                             "): " + std::strerror(rc));
  return pid;
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 5;
}

}  // namespace

std::vector<std::string> without_workers_option(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--workers") {
      ++i;  // and its value
      continue;
    }
    if (args[i].rfind("--workers=", 0) == 0) continue;
    out.push_back(args[i]);
  }
  return out;
}

int run_sweep_workers(const WorkerPlan& plan, const std::atomic<bool>* stop) {
  std::vector<pid_t> pids;
  try {
    for (int64_t w = 1; w <= plan.workers; ++w) {
      auto args = plan.args;
      args.insert(args.end(), {"--threads", std::to_string(plan.threads_each), "--worker-label",
                               "w" + std::to_string(w), "--started-at", plan.invocation_started});
      pids.push_back(spawn(plan.binary, args));
    }
  } catch (...) {
    for (const pid_t p : pids) ::kill(p, SIGTERM);
    for (const pid_t p : pids) ::waitpid(p, nullptr, 0);
    throw;
  }
  int worst = 0;
  bool forwarded = false;
  size_t left = pids.size();
  while (left > 0) {
    if (stop && stop->load() && !forwarded) {
      for (const pid_t p : pids)
        if (p > 0) ::kill(p, SIGTERM);
      forwarded = true;
    }
    for (auto& p : pids) {
      if (p <= 0) continue;
      int status = 0;
      const pid_t r = ::waitpid(p, &status, WNOHANG);
      if (r == p) {
        worst = std::max(worst, exit_code(status));
        p = 0;
        --left;
      }
    }
    if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return worst;
}

}  // namespace pgd::cli
