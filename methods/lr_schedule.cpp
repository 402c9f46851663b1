#include "methods/lr_schedule.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace pgd::methods {

double LrSchedule::factor(int64_t step) const {
  if (step < warmup_steps)
    return static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup_steps));
  const double left = static_cast<double>(total_steps - step);
  const double span = static_cast<double>(std::max<int64_t>(1, total_steps - warmup_steps));
  return std::max(0.0, left / span);
}

LrSchedule make_lr_schedule(const ScheduleSettings& settings, int64_t steps_per_epoch) {
  if (steps_per_epoch < 1)
    throw std::invalid_argument("steps_per_epoch must be >= 1 to build the lr schedule (got " +
                                std::to_string(steps_per_epoch) + ")");
  const int64_t warmup_epochs = settings.warmup_epochs;
  const int64_t decay_epochs = settings.decay_epochs;
  const int64_t epochs = settings.epochs;
  LrSchedule s;
  s.warmup_steps = warmup_epochs * steps_per_epoch;
  s.total_steps = decay_epochs == 0 ? 2 * epochs * steps_per_epoch
                                    : s.warmup_steps + decay_epochs * steps_per_epoch;
  return s;
}

}  // namespace pgd::methods
