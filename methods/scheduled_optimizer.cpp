#include "methods/scheduled_optimizer.h"

#include <torch/torch.h>

namespace pgd::methods {

ScheduledAdam::ScheduledAdam(std::vector<torch::Tensor> backbone_params,
                             std::vector<torch::Tensor> head_params,
                             const OptimizerSettings& settings, const LrSchedule& schedule)
    : schedule_(schedule) {
  // β and ε are torch.optim.Adam's defaults, which the reference code uses.
  auto group_options = [&](double lr) {
    auto o = std::make_unique<torch::optim::AdamOptions>(lr);
    o->betas(std::make_tuple(0.9, 0.999)).eps(1e-8).weight_decay(settings.weight_decay);
    return o;
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::move(backbone_params), group_options(settings.lr));
  base_lrs_.push_back(settings.lr);
  if (!head_params.empty()) {
    groups.emplace_back(std::move(head_params), group_options(settings.head_lr));
    base_lrs_.push_back(settings.head_lr);
  }
  adam_ = std::make_unique<torch::optim::Adam>(std::move(groups),
                                               torch::optim::AdamOptions(settings.lr));
  apply_lrs();
}

void ScheduledAdam::apply_lrs() {
  const double f = schedule_.factor(schedule_steps_);
  auto& groups = adam_->param_groups();
  for (size_t i = 0; i < groups.size(); ++i)
    static_cast<torch::optim::AdamOptions&>(groups[i].options()).lr(base_lrs_[i] * f);
}

void ScheduledAdam::zero_grad() { adam_->zero_grad(); }

void ScheduledAdam::step() { adam_->step(); }

void ScheduledAdam::schedule_step() {
  ++schedule_steps_;
  apply_lrs();
}

std::vector<double> ScheduledAdam::current_lrs() const {
  std::vector<double> out;
  for (const auto& g : adam_->param_groups())
    out.push_back(static_cast<const torch::optim::AdamOptions&>(g.options()).lr());
  return out;
}

void ScheduledAdam::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive adam_archive;
  adam_->save(adam_archive);
  archive.write("adam", adam_archive);
  archive.write("schedule_steps", torch::tensor(schedule_steps_, torch::kInt64));
}

void ScheduledAdam::load(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive adam_archive;
  archive.read("adam", adam_archive);
  adam_->load(adam_archive);
  torch::Tensor steps;
  archive.read("schedule_steps", steps);
  schedule_steps_ = steps.item<int64_t>();
  // The saved options carry the lr of the moment of saving; recompute from the schedule.
  apply_lrs();
}

}  // namespace pgd::methods
