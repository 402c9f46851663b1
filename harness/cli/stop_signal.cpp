#include "harness/cli/stop_signal.h"

#include <csignal>

namespace pgd::cli {
namespace {

std::atomic<bool> g_stop{false};

void on_signal(int sig) {
  if (g_stop.load()) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_stop.store(true);
}

}  // namespace

const std::atomic<bool>* install_stop_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  return &g_stop;
}

}  // namespace pgd::cli
