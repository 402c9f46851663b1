#pragma once
// Learning-rate schedule of the reference code: transformers.get_linear_schedule_with_warmup,
// stepped once per batch. The factor multiplies each parameter group's base lr.
#include <cstdint>

#include "methods/method_options.h"

namespace pgd::methods {

struct LrSchedule {
  int64_t warmup_steps = 0;  // linear ramp 0 → 1 over these steps
  int64_t total_steps = 1;   // the factor reaches 0 here and stays there

  // step = schedule steps taken so far (0 for the first batch). As in the reference:
  //   step < warmup: step / max(1, warmup)
  //   else:          max(0, (total − step) / max(1, total − warmup))
  // so the very first batch trains at lr 0 when there is a warm-up.
  double factor(int64_t step) const;
};

// From the epochs settings, with `steps_per_epoch` batches per epoch.
// decay_epochs = 0 reproduces the reference, whose decay ends at step 2·epochs·steps_per_epoch
// counted from the start (warm-up included); decay_epochs > 0 decays over that many epochs
// after the warm-up.
LrSchedule make_lr_schedule(const ScheduleSettings& settings, int64_t steps_per_epoch);

}  // namespace pgd::methods
