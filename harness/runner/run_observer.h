#pragma once
// What a run reports while it works; the CLI turns it into a progress bar or log lines.
// Nothing below the CLI prints: the runner calls these hooks instead.
#include <cstdint>
#include <string>

namespace pgd::runner {

struct StepProgress {
  int64_t epoch = 0, epochs = 0;
  int64_t step = 0, steps = 0;  // batches within the epoch
  double loss = 0;
  double images_per_s = 0;
  double eta_s = 0;  // for the rest of the run
};

struct EpochSummary {
  int64_t epoch = 0, epochs = 0;
  double train_loss = 0, train_accuracy = 0;
  double val_loss = 0, val_accuracy = 0, val_qwk = 0;
  double seconds = 0;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_message(const std::string& text) {}
  virtual void on_step(const StepProgress& p) {}
  virtual void on_epoch(const EpochSummary& s) {}
};

}  // namespace pgd::runner
