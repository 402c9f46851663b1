#pragma once
// Shows a run's progress: a redrawn bar on a terminal, plain log lines otherwise (CI, files).
// A sweep worker (`--workers`) prefixes its lines and never draws a bar, so that several
// workers can share one terminal; each line is written in one call, so lines do not mix.
#include <chrono>
#include <string>

#include "harness/runner/sweep_runner.h"

namespace pgd::cli {

class ProgressPrinter : public runner::SweepObserver {
 public:
  explicit ProgressPrinter(std::string prefix = "");
  void on_message(const std::string& text) override;
  void on_step(const runner::StepProgress& p) override;
  void on_epoch(const runner::EpochSummary& s) override;
  void on_run_start(int64_t cell, int64_t cells, const std::vector<std::string>& overrides,
                    const std::string& config_hash) override;
  void on_run_end(int64_t cell, store::RunStatus status, const std::string& error) override;

 private:
  void clear_bar();
  void line(const std::string& text);
  std::string prefix_;
  bool tty_;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

std::string format_duration(double seconds);

}  // namespace pgd::cli
