#include "methods/lr_schedule.h"
#include "methods/scheduled_optimizer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

namespace pgd::methods {
namespace {

nlohmann::json train_section(int64_t epochs, int64_t warmup, int64_t decay) {
  return {{"train",
           {{"epochs", epochs},
            {"warmup_epochs", warmup},
            {"decay_epochs", decay},
            {"lr", 1e-3},
            {"head_lr", 2e-3},
            {"weight_decay", 0.0}}}};
}

TEST(LrSchedule, ReferenceWarmupThenDecayToTwiceTheEpochs) {
  auto j = train_section(/*epochs=*/5, /*warmup=*/2, /*decay=*/0);
  auto s = make_lr_schedule(config::ConfigView(j).at("train"), /*steps_per_epoch=*/10);
  EXPECT_EQ(s.warmup_steps, 20);
  EXPECT_EQ(s.total_steps, 100);       // 2 × 5 epochs × 10, warm-up included (reference)
  EXPECT_DOUBLE_EQ(s.factor(0), 0.0);  // the first batch trains at lr 0, as in the reference
  EXPECT_DOUBLE_EQ(s.factor(10), 0.5);
  EXPECT_DOUBLE_EQ(s.factor(20), 1.0);  // end of warm-up
  EXPECT_DOUBLE_EQ(s.factor(60), 0.5);  // halfway through the 80 decay steps
  EXPECT_DOUBLE_EQ(s.factor(100), 0.0);
  EXPECT_DOUBLE_EQ(s.factor(150), 0.0);  // clamped
}

TEST(LrSchedule, ExplicitDecayEpochsCountAfterWarmup) {
  auto j = train_section(5, 1, 3);
  auto s = make_lr_schedule(config::ConfigView(j).at("train"), 4);
  EXPECT_EQ(s.warmup_steps, 4);
  EXPECT_EQ(s.total_steps, 4 + 12);
  EXPECT_DOUBLE_EQ(s.factor(4), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(10), 0.5);
  EXPECT_DOUBLE_EQ(s.factor(16), 0.0);
}

TEST(LrSchedule, NoWarmupStartsAtTheBaseRate) {
  auto j = train_section(5, 0, 0);
  auto s = make_lr_schedule(config::ConfigView(j).at("train"), 10);
  EXPECT_DOUBLE_EQ(s.factor(0), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(50), 0.5);
}

TEST(LrSchedule, BadKeysAreNamed) {
  auto j = train_section(5, 2, 0);
  j["train"]["warmup_epochs"] = -1;
  try {
    make_lr_schedule(config::ConfigView(j).at("train"), 10);
    FAIL();
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("train.warmup_epochs"), std::string::npos);
  }
}

TEST(ScheduledAdam, SetsEachGroupsLrOncePerBatch) {
  auto j = train_section(5, 2, 0);
  config::ConfigView train = config::ConfigView(j).at("train");
  auto w1 = torch::zeros({3}, torch::requires_grad());
  auto w2 = torch::zeros({2}, torch::requires_grad());
  ScheduledAdam opt({w1}, {w2}, make_optimizer_settings(train), make_lr_schedule(train, 10));
  ASSERT_EQ(opt.current_lrs().size(), 2u);
  EXPECT_DOUBLE_EQ(opt.current_lrs()[0], 0.0);
  for (int i = 0; i < 10; ++i) opt.schedule_step();
  EXPECT_NEAR(opt.current_lrs()[0], 0.5e-3, 1e-15);
  EXPECT_NEAR(opt.current_lrs()[1], 1.0e-3, 1e-15);
  for (int i = 0; i < 10; ++i) opt.schedule_step();
  EXPECT_NEAR(opt.current_lrs()[0], 1e-3, 1e-15);
  EXPECT_NEAR(opt.current_lrs()[1], 2e-3, 1e-15);
  EXPECT_EQ(opt.schedule_steps(), 20);
}

TEST(ScheduledAdam, StepUsesTheScheduledLrAndAdamBetas) {
  auto j = train_section(5, 0, 0);
  config::ConfigView train = config::ConfigView(j).at("train");
  auto w = torch::zeros({1}, torch::requires_grad());
  ScheduledAdam opt({w}, {}, make_optimizer_settings(train), make_lr_schedule(train, 10));
  ASSERT_EQ(opt.current_lrs().size(), 1u);  // no head group
  opt.zero_grad();
  (w * 3.0).sum().backward();
  opt.step();
  // Adam's first step moves by lr · m̂/(√v̂ + ε) = lr · g/|g| (bias-corrected).
  EXPECT_NEAR(w.item<double>(), -1e-3, 1e-9);
  auto& options = static_cast<torch::optim::AdamOptions&>(opt.adam().param_groups()[0].options());
  EXPECT_DOUBLE_EQ(std::get<0>(options.betas()), 0.9);
  EXPECT_DOUBLE_EQ(std::get<1>(options.betas()), 0.999);
}

}  // namespace
}  // namespace pgd::methods
