// Precise BatchNorm (eval.bn_recalibration): when running statistics do not match the
// activations (in real runs: they lag weights that moved fast), eval mode misreads even the
// training batch. Recomputing them over training batches must bring eval-mode accuracy back up,
// for both methods, without touching a parameter.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "method_test_util.h"
#include "methods/network.h"

namespace pgd::methods {
namespace {

using testing::build;
using testing::tiny_config;

double eval_accuracy(Method& method, const torch::Tensor& images, const torch::Tensor& labels) {
  const auto predicted = method.predict(images).argmax(1);
  return predicted.eq(labels).to(torch::kDouble).mean().item<double>();
}

std::map<std::string, torch::Tensor> trainable(torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& item : module.named_parameters())
    out[item.key()] = item.value().detach().clone();
  return out;
}

torch::nn::Module& network_of(Method& m) {
  if (auto* n = dynamic_cast<NetworkMethod*>(&m)) return *n->network();
  throw std::runtime_error("not a NetworkMethod");
}

class BatchNormRecalibration : public ::testing::TestWithParam<std::string> {};

// Running statistics far from the activations' (what lag after large updates looks like, made
// certain here by overwriting them): eval mode misreads the training batch; after recalibrating
// over that batch's images it reads them as train mode does.
void spoil_running_statistics(torch::nn::Module& network) {
  torch::NoGradGuard no_grad;
  for (auto& item : network.named_buffers()) {
    const auto& name = item.key();
    if (name.size() >= 12 && name.compare(name.size() - 12, 12, "running_mean") == 0)
      item.value().fill_(3.0);
    if (name.size() >= 11 && name.compare(name.size() - 11, 11, "running_var") == 0)
      item.value().fill_(0.01);
  }
}

TEST_P(BatchNormRecalibration, EvalAccuracyOnTrainingBatchesRisesAndWeightsStay) {
  torch::manual_seed(5);
  auto method = build(tiny_config(GetParam()));
  auto [images, labels] = testing::pattern_batch(12);
  for (int step = 0; step < 8; ++step) method->train_batch(images, labels);
  const double trained = eval_accuracy(*method, images, labels);
  spoil_running_statistics(network_of(*method));
  const double before = eval_accuracy(*method, images, labels);

  const auto weights = trainable(network_of(*method));
  int served = 0;
  const auto used = method->recalibrate_batchnorm([&]() -> torch::Tensor {
    if (served == 3) return {};
    // The same images in three orders: the statistics are a plain average over batches.
    ++served;
    return images.index_select(0, torch::randperm(12, torch::kLong));
  });
  EXPECT_EQ(used, 3);
  const double after = eval_accuracy(*method, images, labels);
  EXPECT_GT(after, before) << GetParam() << ": trained " << trained << " spoiled " << before;
  EXPECT_GE(after, 0.9) << GetParam() << ": trained " << trained << " spoiled " << before;
  EXPECT_EQ(testing::max_relative_difference(trainable(network_of(*method)), weights), 0.0);
}

// No batch: nothing changes, not even the running statistics.
TEST_P(BatchNormRecalibration, NoBatchesChangesNothing) {
  torch::manual_seed(6);
  auto method = build(tiny_config(GetParam()));
  auto [images, labels] = testing::pattern_batch(6);
  method->train_batch(images, labels);
  const auto before = testing::parameters(network_of(*method));
  EXPECT_EQ(method->recalibrate_batchnorm([] { return torch::Tensor(); }), 0);
  EXPECT_EQ(testing::max_relative_difference(testing::parameters(network_of(*method)), before),
            0.0);
}

INSTANTIATE_TEST_SUITE_P(Methods, BatchNormRecalibration, ::testing::Values("gd", "patchgd"));

}  // namespace
}  // namespace pgd::methods
