#pragma once
// SIGINT/SIGTERM raise a flag that the runner checks between steps, so the current run ends
// as `cancelled` and the process exits cleanly. A second SIGINT kills at once.
#include <atomic>

namespace pgd::cli {

const std::atomic<bool>* install_stop_handlers();

}  // namespace pgd::cli
