#pragma once
// Adam with two parameter groups (backbone, head) and the per-batch linear warm-up/decay
// schedule of the reference code. The schedule is applied by rewriting each group's lr.
#include <cstdint>
#include <memory>
#include <vector>

#include <torch/optim/adam.h>
#include <torch/serialize/archive.h>
#include <torch/types.h>

#include "methods/lr_schedule.h"
#include "methods/method_options.h"

namespace pgd::methods {

class ScheduledAdam {
 public:
  // An empty `head_params` (GD with the pooled classifier) makes a single-group optimizer.
  // Group lrs start at base × schedule.factor(0).
  ScheduledAdam(std::vector<torch::Tensor> backbone_params, std::vector<torch::Tensor> head_params,
                const OptimizerSettings& settings, const LrSchedule& schedule);

  void zero_grad();
  void step();           // one Adam update with the current lrs
  void schedule_step();  // once per batch: advance the schedule and set the next lrs

  int64_t schedule_steps() const { return schedule_steps_; }
  std::vector<double> current_lrs() const;  // one per group: backbone, then head
  const LrSchedule& schedule() const { return schedule_; }
  torch::optim::Adam& adam() { return *adam_; }

  // Adam's moments and step counts plus the schedule position.
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  void apply_lrs();

  std::unique_ptr<torch::optim::Adam> adam_;
  std::vector<double> base_lrs_;
  LrSchedule schedule_;
  int64_t schedule_steps_ = 0;
};

}  // namespace pgd::methods
