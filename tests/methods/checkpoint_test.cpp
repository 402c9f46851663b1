#include "methods/checkpoint.h"

#include <cstdio>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "method_test_util.h"
#include "methods/network.h"
#include "methods/patch_gradient_descent.h"

namespace pgd::methods {
namespace {

using testing::build;
using testing::tiny_config;

NetworkMethod& as_network_method(std::unique_ptr<Method>& m) {
  auto* p = dynamic_cast<NetworkMethod*>(m.get());
  if (!p) throw std::runtime_error("not a NetworkMethod");
  return *p;
}

struct TempFile {
  explicit TempFile(const std::string& stem) : path(testing::temp_path(stem)) {}
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

// Save → load gives the same predictions; training on continues exactly as the original would
// (Adam moments, schedule position and the patch-sampling generator all restored), which a
// weights-only load does not.
TEST(Checkpoint, RoundTripResumesTrainingExactly) {
  for (const std::string name : {"patchgd", "gd"}) {
    TempFile file("roundtrip_" + name);
    torch::manual_seed(0);
    auto cfg = tiny_config(name);
    cfg["train"]["warmup_epochs"] = 1;  // a schedule position that matters
    auto a = build(cfg);
    auto [images, labels] = testing::pattern_batch(3);
    a->train_batch(images, labels);
    a->train_batch(images, labels);
    a->save_checkpoint(file.path);

    torch::manual_seed(99);  // other initial weights
    auto b = build(cfg);
    auto c = build(cfg);
    b->load_checkpoint(file.path);
    c->load_weights(file.path);
    EXPECT_TRUE(torch::equal(b->predict(images), a->predict(images))) << name;
    EXPECT_EQ(as_network_method(b).optimizer().schedule_steps(), 2);
    EXPECT_EQ(as_network_method(b).optimizer().current_lrs(),
              as_network_method(a).optimizer().current_lrs());

    auto ra = a->train_batch(images, labels);
    auto rb = b->train_batch(images, labels);
    c->train_batch(images, labels);
    EXPECT_EQ(ra.loss, rb.loss) << name;
    auto pa = testing::parameters(*as_network_method(a).network());
    auto pb = testing::parameters(*as_network_method(b).network());
    auto pc = testing::parameters(*as_network_method(c).network());
    EXPECT_EQ(testing::max_relative_difference(pb, pa), 0.0) << name;
    EXPECT_GT(testing::max_relative_difference(pc, pa), 1e-4) << name << ": fresh Adam state";
  }
}

TEST(Checkpoint, LoadCheckpointRejectsAnotherArchitecture) {
  TempFile file("other_arch");
  auto cfg = tiny_config("patchgd");
  build(cfg)->save_checkpoint(file.path);
  cfg["head"]["channels"] = 16;
  auto other = build(cfg);
  auto before = testing::parameters(*as_network_method(other).network());
  try {
    other->load_checkpoint(file.path);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("head.layers.0.0.weight"), std::string::npos) << e.what();
  }
  // Checked before copying: the model is unchanged.
  EXPECT_EQ(testing::max_relative_difference(
                testing::parameters(*as_network_method(other).network()), before),
            0.0);
  EXPECT_THROW(other->load_checkpoint(file.path + ".missing"), std::runtime_error);
}

// PANDA's 512 → 2048 warm start: a smaller image gives a smaller grid N and so a narrower head
// Linear; the backbone and the head's convolutions load, the Linear stays as initialized.
TEST(Checkpoint, LoadWeightsWarmStartsAcrossImageSizes) {
  TempFile file("warm");
  torch::manual_seed(0);
  auto cfg = tiny_config("patchgd");
  auto small = build(cfg, /*image_size=*/32);  // N = 2
  auto [images, labels] = testing::pattern_batch(2, 32);
  small->train_batch(images, labels);
  small->save_checkpoint(file.path);

  torch::manual_seed(1);
  auto large = build(cfg, /*image_size=*/64);  // N = 4
  auto linear_before = as_network_method(large).network()->head->linear->weight.clone();
  large->load_weights(file.path);
  auto ps = testing::parameters(*as_network_method(small).network());
  auto pl = testing::parameters(*as_network_method(large).network());
  for (const auto& [key, value] : ps) {
    if (key.rfind("head.linear.", 0) == 0) continue;
    EXPECT_TRUE(torch::equal(value, pl.at(key))) << key;
  }
  EXPECT_TRUE(torch::equal(linear_before, pl.at("head.linear.weight")));

  auto report = read_weights(file.path, *as_network_method(large).network());
  EXPECT_EQ(report.skipped, (std::vector<std::string>{"head.linear.weight"}));
  EXPECT_FALSE(report.loaded.empty());
}

TEST(Checkpoint, LoadWeightsRejectsAnotherBackbone) {
  TempFile file("other_backbone");
  auto cfg = tiny_config("patchgd");
  build(cfg)->save_checkpoint(file.path);

  auto wider = cfg;
  wider["head"]["latent_dim"] = 16;  // the encoder's fc changes shape
  try {
    build(wider)->load_weights(file.path);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("backbone.fc.weight"), std::string::npos) << e.what();
  }
  auto mobile = cfg;
  mobile["backbone"]["name"] = "mobilenetv2";
  mobile["backbone"]["width"] = 0.25;
  EXPECT_THROW(build(mobile)->load_weights(file.path), std::runtime_error);
}

}  // namespace
}  // namespace pgd::methods
