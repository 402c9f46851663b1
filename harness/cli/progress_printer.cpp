#include "harness/cli/progress_printer.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <utility>

#include "harness/cli/cli_common.h"

namespace pgd::cli {

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "--:--";
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  return buf;
}

ProgressPrinter::ProgressPrinter(std::string prefix)
    : prefix_(std::move(prefix)), tty_(prefix_.empty() && isatty(STDERR_FILENO) == 1) {}

void ProgressPrinter::line(const std::string& text) {
  clear_bar();
  std::cerr << (prefix_ + text + "\n") << std::flush;
}

void ProgressPrinter::clear_bar() {
  if (bar_shown_) std::cerr << "\r\033[K";
  bar_shown_ = false;
}

void ProgressPrinter::on_message(const std::string& text) { line("  " + text); }

void ProgressPrinter::on_step(const runner::StepProgress& p) {
  if (!tty_) return;  // plain output gets one line per epoch instead
  const auto now = std::chrono::steady_clock::now();
  if (bar_shown_ && now - last_draw_ < std::chrono::milliseconds(200) && p.step != p.steps) return;
  last_draw_ = now;
  const int width = 24;
  const int filled = p.steps > 0 ? static_cast<int>(width * p.step / p.steps) : 0;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "\r\033[K  epoch %lld/%lld [%s%s] %lld/%lld loss %.4f %.1f img/s ETA %s",
                static_cast<long long>(p.epoch), static_cast<long long>(p.epochs),
                std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                static_cast<long long>(p.step), static_cast<long long>(p.steps), p.loss,
                p.images_per_s, format_duration(p.eta_s).c_str());
  std::cerr << buf << std::flush;
  bar_shown_ = true;
}

void ProgressPrinter::on_epoch(const runner::EpochSummary& s) {
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "  epoch %lld/%lld  train loss %.4f acc %.3f | val loss %.4f acc %.3f qwk %.3f | %s",
      static_cast<long long>(s.epoch), static_cast<long long>(s.epochs), s.train_loss,
      s.train_accuracy, s.val_loss, s.val_accuracy, s.val_qwk, format_duration(s.seconds).c_str());
  line(buf);
}

void ProgressPrinter::on_run_start(int64_t cell, int64_t cells,
                                   const std::vector<std::string>& overrides,
                                   const std::string& config_hash) {
  line("run " + std::to_string(cell + 1) + "/" + std::to_string(cells) + " [" +
       config_hash.substr(0, 12) + "] " + join(overrides, " "));
}

void ProgressPrinter::on_run_end(int64_t cell, const std::string& status,
                                 const std::string& error) {
  line("  -> " + status + (error.empty() ? "" : ": " + error));
}

}  // namespace pgd::cli
