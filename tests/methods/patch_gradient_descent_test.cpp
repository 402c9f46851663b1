#include "methods/patch_gradient_descent.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "method_test_util.h"

namespace pgd::methods {
namespace {

using testing::build;
using testing::tiny_config;
using torch::indexing::Slice;

PatchGradientDescent& as_patchgd(std::unique_ptr<Method>& m) {
  auto* p = dynamic_cast<PatchGradientDescent*>(m.get());
  if (!p) throw std::runtime_error("not PatchGD");
  return *p;
}

// Gradients of CE(head(Z)) with Z encoded from every patch with gradients, computed patch by
// patch by slicing (independently of gather_patches / write_encodings).
std::map<std::string, torch::Tensor> full_latent_gradients(PatchGradientDescent& pgd,
                                                           const torch::Tensor& images,
                                                           const torch::Tensor& labels,
                                                           double* loss_out) {
  pgd.optimizer().zero_grad();
  pgd.set_train_mode();
  auto& net = pgd.network();
  const int64_t p = pgd.settings().patch_size, n = pgd.settings().grid;
  std::vector<torch::Tensor> columns;
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < n; ++c)
      columns.push_back(net->backbone->forward(
          images.index({Slice(), Slice(), Slice(r * p, r * p + p), Slice(c * p, c * p + p)})));
  auto z = torch::stack(columns, 2).view({images.size(0), pgd.settings().latent_dim, n, n});
  auto loss = torch::nn::functional::cross_entropy(net->head->forward(z), labels);
  loss.backward();
  if (loss_out) *loss_out = loss.item<double>();
  return testing::gradients(*net);
}

nlohmann::json exact_config(double fraction) {
  auto cfg = tiny_config("patchgd");
  cfg["method"]["sampling_fraction"] = fraction;
  cfg["method"]["freeze_bn"] = true;  // encodings independent of which patches share a call
  return cfg;                         // (and head.dropout is 0)
}

// With ζ = 1, frozen backbone BatchNorm and no dropout, the accumulated gradient is that of
// CE(head(Z)) with every patch encoded with gradients.
TEST(PatchGradientDescent, OneInnerStepGradientEqualsTheFullLatentGradient) {
  torch::manual_seed(0);
  auto method = build(exact_config(1.0));
  auto& pgd = as_patchgd(method);
  ASSERT_EQ(pgd.plan().zeta, 1);
  ASSERT_EQ(pgd.plan().k, 16);
  auto [images, labels] = testing::pattern_batch(2);

  auto result = pgd.accumulate_gradients(images, labels);
  EXPECT_EQ(result.optimizer_steps, 0);
  auto got = testing::gradients(*pgd.network());
  double loss = 0;
  auto expected = full_latent_gradients(pgd, images, labels, &loss);

  EXPECT_NEAR(result.loss, loss, 1e-5 * loss);
  std::string worst;
  EXPECT_LT(testing::max_relative_difference(got, expected, &worst), 1e-5) << "worst: " << worst;
  // Both the backbone and the head received gradients.
  EXPECT_GT(expected.at("backbone.conv1.weight").abs().sum().item<double>(), 0);
  EXPECT_GT(expected.at("head.linear.weight").abs().sum().item<double>(), 0);
}

// With ζ = ε = 4 and no update in between, Z has the same value in every inner iteration, but
// each backward reaches only that iteration's patches (Z is detached): the head's gradient adds
// up to the full one (4 × 1/ε), the backbone's to a quarter (each patch once, scaled by 1/ε).
TEST(PatchGradientDescent, DetachedInnerStepsSendEachPatchItsGradientOnce) {
  torch::manual_seed(0);
  auto method = build(exact_config(0.25));
  auto& pgd = as_patchgd(method);
  ASSERT_EQ(pgd.plan().zeta, 4);
  ASSERT_EQ(pgd.plan().epsilon, 4);
  auto [images, labels] = testing::pattern_batch(2);
  pgd.accumulate_gradients(images, labels);
  auto got = testing::gradients(*pgd.network());
  auto full = full_latent_gradients(pgd, images, labels, nullptr);
  for (auto& [name, g] : full)
    if (name.rfind("backbone.", 0) == 0) g = g / 4.0;
  std::string worst;
  EXPECT_LT(testing::max_relative_difference(got, full, &worst), 1e-5) << "worst: " << worst;
}

void expect_each_position_once(const std::vector<std::vector<int64_t>>& chunks, int64_t n2) {
  std::vector<int64_t> all;
  for (const auto& c : chunks) all.insert(all.end(), c.begin(), c.end());
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(n2);
  for (int64_t i = 0; i < n2; ++i) expected[i] = i;
  EXPECT_EQ(all, expected);
}

TEST(PatchGradientDescent, InnerIterationsCoverEveryPositionOnceInChunksOfK) {
  struct Case {
    double fraction;
    std::vector<size_t> sizes;
  };
  for (const auto& tc : {Case{0.25, {4, 4, 4, 4}}, Case{0.3, {5, 5, 5, 1}}}) {
    auto cfg = tiny_config("patchgd");
    cfg["method"]["sampling_fraction"] = tc.fraction;
    auto method = build(cfg);
    auto& pgd = as_patchgd(method);
    pgd.set_trace_enabled(true);
    auto [images, labels] = testing::pattern_batch(2);
    pgd.train_batch(images, labels);
    const auto& trace = pgd.last_trace();
    ASSERT_EQ(trace.inner_positions.size(), tc.sizes.size()) << "f_s " << tc.fraction;
    for (size_t j = 0; j < tc.sizes.size(); ++j) {
      EXPECT_EQ(trace.inner_positions[j].size(), tc.sizes[j]);
      std::set<int64_t> distinct(trace.inner_positions[j].begin(), trace.inner_positions[j].end());
      EXPECT_EQ(distinct.size(), tc.sizes[j]);
    }
    expect_each_position_once(trace.inner_positions, 16);
    expect_each_position_once(trace.fill_positions, 16);  // Algorithm 2 visits every patch
    EXPECT_EQ(trace.fill_positions.front().size(), tc.sizes.front());
  }
}

TEST(PatchGradientDescent, OptimizerStepsEveryEpsilonInnerIterations) {
  struct Case {
    int64_t accum;
    std::vector<int64_t> steps_after;
  };
  // ζ = 4: ε = ζ (0) → once; ε = 1 → every iteration; ε = 2 → twice; ε = 3 → 3 and the remainder.
  for (const auto& tc : {Case{0, {4}}, Case{1, {1, 2, 3, 4}}, Case{2, {2, 4}}, Case{3, {3, 4}}}) {
    auto cfg = tiny_config("patchgd");
    cfg["method"]["grad_accum_steps"] = tc.accum;
    auto method = build(cfg);
    auto& pgd = as_patchgd(method);
    pgd.set_trace_enabled(true);
    auto [images, labels] = testing::pattern_batch(2);
    auto result = pgd.train_batch(images, labels);
    EXPECT_EQ(pgd.last_trace().steps_after, tc.steps_after) << "epsilon " << tc.accum;
    EXPECT_EQ(result.optimizer_steps, static_cast<int64_t>(tc.steps_after.size()));
    EXPECT_EQ(pgd.optimizer().schedule_steps(), 1);  // the schedule steps once per batch
    EXPECT_EQ(result.count, 2);
  }
}

TEST(PatchGradientDescent, AnUpdateChangesBothBackboneAndHead) {
  auto method = build(tiny_config("patchgd"));
  auto& pgd = as_patchgd(method);
  auto before = testing::parameters(*pgd.network());
  auto [images, labels] = testing::pattern_batch(2);
  pgd.train_batch(images, labels);
  auto after = testing::parameters(*pgd.network());
  EXPECT_FALSE(torch::equal(before.at("backbone.conv1.weight"), after.at("backbone.conv1.weight")));
  EXPECT_FALSE(torch::equal(before.at("head.linear.weight"), after.at("head.linear.weight")));
}

TEST(PatchGradientDescent, TrainingReducesTheLossOnAFixedBatch) {
  torch::manual_seed(1);
  auto cfg = tiny_config("patchgd");
  cfg["method"]["sampling_fraction"] = 0.5;  // ζ = 2, ε = 2: one update per batch
  cfg["backbone"]["name"] = "mobilenetv2";   // light and quick; resnet18 is tested elsewhere
  cfg["backbone"]["width"] = 0.25;
  auto method = build(cfg);
  auto [images, labels] = testing::pattern_batch(6);
  std::vector<double> losses;
  for (int step = 0; step < 15; ++step) losses.push_back(method->train_batch(images, labels).loss);
  const double first = losses.front();
  const double last = (losses[12] + losses[13] + losses[14]) / 3;
  EXPECT_LT(last, 0.6 * first) << "first " << first << " last " << last;
  auto logits = method->predict(images);
  EXPECT_EQ(logits.sizes(), torch::IntArrayRef({6, 3}));
  EXPECT_EQ(logits.device().type(), torch::kCPU);
}

TEST(PatchGradientDescent, SameSeedSameRunAndSeedChangesThePermutations) {
  auto run = [](int64_t seed) {
    torch::manual_seed(5);  // same initial weights
    auto cfg = tiny_config("patchgd");
    cfg["seed"] = seed;
    auto method = build(cfg);
    auto& pgd = as_patchgd(method);
    pgd.set_trace_enabled(true);
    auto [images, labels] = testing::pattern_batch(2);
    double loss = pgd.train_batch(images, labels).loss;
    return std::make_pair(loss, pgd.last_trace().inner_positions);
  };
  auto a = run(11), b = run(11), c = run(12);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.second, c.second);
}

TEST(PatchGradientDescent, PredictionIsIndependentOfTheEvalChunk) {
  torch::manual_seed(2);
  auto cfg = tiny_config("patchgd");
  auto method = build(cfg);
  auto [images, labels] = testing::pattern_batch(3);
  method->train_batch(images, labels);
  const std::string path = testing::temp_path("eval_chunk");
  method->save_checkpoint(path);
  auto base = method->predict(images);
  EXPECT_TRUE(torch::equal(base, method->predict(images)));  // eval mode: deterministic

  cfg["method"]["eval_chunk"] = 3;  // 16 positions in chunks 3,3,3,3,3,1
  auto other = build(cfg);
  other->load_checkpoint(path);
  EXPECT_TRUE(torch::allclose(other->predict(images), base, 1e-5, 1e-6));
  std::remove(path.c_str());
}

TEST(PatchGradientDescent, FillInEvalModeLeavesBatchNormStatisticsToTheInnerLoop) {
  // fill_bn_mode=eval: the no-grad fill does not touch the running statistics, so after one
  // batch they differ from a fill_bn_mode=train run started from the same weights.
  auto stats_after_batch = [](const std::string& mode) {
    torch::manual_seed(4);
    auto cfg = tiny_config("patchgd");
    cfg["method"]["fill_bn_mode"] = mode;
    cfg["train"]["lr"] = 0.0;
    cfg["train"]["head_lr"] = 0.0;
    auto method = build(cfg);
    auto& pgd = as_patchgd(method);
    auto [images, labels] = testing::pattern_batch(2);
    pgd.train_batch(images, labels);
    return pgd.network()->backbone->named_buffers()["bn1.num_batches_tracked"].item<int64_t>();
  };
  EXPECT_EQ(stats_after_batch("train"), 8);  // 4 fill chunks + 4 inner iterations
  EXPECT_EQ(stats_after_batch("eval"), 4);
}

TEST(PatchGradientDescent, FrozenBatchNormKeepsRunningStatistics) {
  auto cfg = tiny_config("patchgd");
  cfg["method"]["freeze_bn"] = true;
  auto method = build(cfg);
  auto& pgd = as_patchgd(method);
  auto before = pgd.network()->backbone->named_buffers()["bn1.running_mean"].clone();
  auto [images, labels] = testing::pattern_batch(2);
  pgd.train_batch(images, labels);
  EXPECT_TRUE(torch::equal(before, pgd.network()->backbone->named_buffers()["bn1.running_mean"]));
  // The head's BatchNorm still trains.
  EXPECT_TRUE(pgd.network()->head->is_training());
}

TEST(PatchGradientDescent, OptionalKeysTakeTheirDefaults) {
  auto cfg = tiny_config("patchgd");
  for (const char* key : {"grad_accum_steps", "fill_bn_mode", "eval_chunk", "freeze_bn"})
    cfg["method"].erase(key);
  auto method = build(cfg);
  const auto& s = as_patchgd(method).settings();
  EXPECT_EQ(s.plan.epsilon, s.plan.zeta);
  EXPECT_TRUE(s.fill_bn_train);
  EXPECT_EQ(s.eval_chunk, 0);
  EXPECT_FALSE(as_patchgd(method).freeze_bn());
}

void expect_config_error(const nlohmann::json& cfg, const std::vector<std::string>& words,
                         int64_t image_size = 64) {
  try {
    build(cfg, image_size);
    ADD_FAILURE() << "expected a ConfigError mentioning " << words.front();
  } catch (const config::ConfigError& e) {
    for (const auto& w : words)
      EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
  }
}

TEST(PatchGradientDescent, BadConfigsNameTheKey) {
  auto cfg = tiny_config("patchgd");
  cfg["method"]["patch_size"] = 24;
  expect_config_error(cfg, {"method.patch_size", "64"});
  for (double f : {0.0, -0.25, 1.5}) {
    cfg = tiny_config("patchgd");
    cfg["method"]["sampling_fraction"] = f;
    expect_config_error(cfg, {"method.sampling_fraction"});
  }
  cfg = tiny_config("patchgd");
  cfg["method"]["fill_bn_mode"] = "sometimes";
  expect_config_error(cfg, {"method.fill_bn_mode"});
  cfg = tiny_config("patchgd");
  cfg["head"].erase("latent_dim");
  expect_config_error(cfg, {"head.latent_dim"});
}

}  // namespace
}  // namespace pgd::methods
