// The RunSpec reader: what the default config becomes, the defaults of optional keys, one error
// per bad key naming it, and every cell of every sweep file read without error.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/sweep.h"
#include "harness/config/yaml_json.h"
#include "harness/spec/spec_reader.h"

namespace pgd::spec {
namespace {

namespace fs = std::filesystem;
const fs::path kTree = fs::path(PATCHGD_SOURCE_DIR) / "experiments";

nlohmann::json composed(const std::vector<std::string>& overrides) {
  return config::compose_config(kTree, overrides);
}

RunSpec spec_of(const std::vector<std::string>& overrides) {
  return read_run_spec(composed(overrides));
}

// The ConfigError text for a config, or "" when it reads.
std::string error_of(const nlohmann::json& cfg) {
  try {
    read_run_spec(cfg);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(RunSpec, TheDefaultConfigAsTypedFields) {
  const RunSpec s = spec_of({});
  EXPECT_EQ(s.device, DeviceKind::Cpu);
  EXPECT_EQ(s.seed, 42);
  EXPECT_EQ(s.threads, 0);
  EXPECT_FALSE(s.memory_cap.has_value());
  EXPECT_EQ(s.method.kind, methods::MethodKind::PatchGd);
  EXPECT_EQ(s.method.backbone.name, "resnet50");
  EXPECT_FALSE(s.method.backbone.weights.has_value());
  EXPECT_EQ(s.method.head.layers, 4);
  EXPECT_EQ(s.method.head.latent_dim, 256);
  EXPECT_DOUBLE_EQ(s.method.head.dropout, 0.2);
  EXPECT_EQ(s.method.patchgd.patch_size, 32);
  EXPECT_DOUBLE_EQ(s.method.patchgd.sampling_fraction, 0.125);
  EXPECT_TRUE(s.method.patchgd.fill_bn_train);
  EXPECT_DOUBLE_EQ(s.method.optimizer.lr, 1e-3);
  EXPECT_EQ(s.method.schedule.epochs, 100);
  EXPECT_EQ(s.method.schedule.warmup_epochs, 2);
  EXPECT_EQ(s.method.memory_format, methods::MemoryFormatChoice::Auto);
  EXPECT_EQ(s.method.seed, 42u);
  EXPECT_FALSE(s.train.batch_size.automatic);
  EXPECT_EQ(s.train.batch_size.value, 32);
  EXPECT_EQ(s.train.auto_batch_max, 256);
  EXPECT_FALSE(s.train.init_from.has_value());
  EXPECT_EQ(s.eval.every_epochs, 1);
  EXPECT_TRUE(s.measure.latency);
  EXPECT_EQ(s.measure.steps, 3);
  EXPECT_EQ(s.dataset.name, "ultramnist10");
  EXPECT_EQ(s.dataset.image_size(), 512);
  EXPECT_EQ(s.dataset.num_classes(), 10);
  const auto& u = std::get<data::UltraMnistOptions>(s.dataset.source);
  EXPECT_EQ(u.params.canvas_size, 512);
  EXPECT_FALSE(u.cache_dir.has_value());
}

TEST(RunSpec, CapsAutoBatchesAndGdSettings) {
  const RunSpec s =
      spec_of({"method=gd", "memory=4gb", "train.batch_size=auto", "train.micro_batch=auto",
               "method.classifier=pooled", "memory_format=channels_last"});
  EXPECT_EQ(s.memory_cap, std::optional<uint64_t>(uint64_t{4} << 30));
  EXPECT_TRUE(s.train.batch_size.automatic);
  EXPECT_TRUE(s.train.micro_batch.automatic);
  EXPECT_EQ(s.method.micro_batch, 0);  // searched by the runner
  EXPECT_EQ(s.method.kind, methods::MethodKind::Gd);
  EXPECT_EQ(s.method.classifier, methods::GdClassifier::Pooled);
  EXPECT_EQ(s.method.memory_format, methods::MemoryFormatChoice::ChannelsLast);
  EXPECT_EQ(spec_of({"method=gd", "train.micro_batch=4"}).method.micro_batch, 4);
  EXPECT_EQ(spec_of({"memory.cap=1.5GiB"}).memory_cap, std::optional<uint64_t>(uint64_t{3} << 29));
}

TEST(RunSpec, EqualMemorySettings) {
  const RunSpec off = spec_of({"method=gd"});
  EXPECT_EQ(off.method.gd.checkpoint, methods::GdCheckpoint::Off);
  EXPECT_EQ(off.method.gd.input_size, 0);
  EXPECT_FALSE(off.gd_input_size.automatic);
  EXPECT_EQ(spec_of({"method=gd", "method.checkpoint=stages"}).method.gd.checkpoint,
            methods::GdCheckpoint::Stages);
  EXPECT_EQ(spec_of({"method=gd", "method.checkpoint=blocks"}).method.gd.checkpoint,
            methods::GdCheckpoint::Blocks);
  EXPECT_EQ(spec_of({"method=gd", "method.input_size=256"}).method.gd.input_size, 256);
  const RunSpec automatic = spec_of({"method=gd", "method.input_size=auto", "memory.cap=1GB"});
  EXPECT_TRUE(automatic.gd_input_size.automatic);
  EXPECT_EQ(automatic.method.gd.input_size, 0);  // searched by the runner
  EXPECT_EQ(spec_of({"method.inner_chunk=64"}).method.patchgd.inner_chunk, 64);
  EXPECT_EQ(spec_of({}).method.patchgd.inner_chunk, 0);
  // A setting of the other method is refused unless it holds its neutral value.
  EXPECT_NE(error_of(composed({"+method.checkpoint=stages"})).find("'method.checkpoint'"),
            std::string::npos);
  EXPECT_EQ(error_of(composed({"+method.checkpoint=off"})), "");
  EXPECT_NE(error_of(composed({"method=gd", "+method.inner_chunk=8"})).find("'method.inner_chunk'"),
            std::string::npos);
}

TEST(RunSpec, OptionalKeysTakeTheirDefaultsWhenAbsent) {
  nlohmann::json cfg = composed({});
  for (const char* key :
       {"grad_accum_steps", "fill_bn_mode", "eval_chunk", "freeze_bn", "inner_chunk"})
    cfg["method"].erase(key);
  cfg.erase("eval");
  cfg.erase("measure");
  cfg.erase("memory_format");
  const RunSpec s = read_run_spec(cfg);
  EXPECT_EQ(s.method.patchgd.grad_accum_steps, 0);
  EXPECT_TRUE(s.method.patchgd.fill_bn_train);
  EXPECT_EQ(s.method.patchgd.eval_chunk, 0);
  EXPECT_FALSE(s.method.freeze_bn);
  EXPECT_EQ(s.eval.batch_size, 0);
  EXPECT_EQ(s.eval.bn_recalibration, 0);
  EXPECT_TRUE(s.measure.latency);
  EXPECT_EQ(s.measure.warmup_steps, 1);
  EXPECT_EQ(s.method.memory_format, methods::MemoryFormatChoice::Auto);
}

struct BadKey {
  std::vector<std::string> overrides;
  std::string key;  // the dotted key the error must name
};

TEST(RunSpec, EveryBadValueIsAnErrorNamingItsKey) {
  const std::vector<BadKey> cases = {
      {{"method.sampling_fraction=1.5"}, "method.sampling_fraction"},
      {{"method.sampling_fraction=0"}, "method.sampling_fraction"},
      {{"head.latent_dim=-3"}, "head.latent_dim"},
      {{"head.latent_dim=20000"}, "head.latent_dim"},  // one bound, 2^14, for method and check
      {{"head.layers=0"}, "head.layers"},
      {{"head.dropout=1.0"}, "head.dropout"},
      {{"train.batch_size=0"}, "train.batch_size"},
      {{"train.batch_size=big"}, "train.batch_size"},
      {{"train.micro_batch=-1"}, "train.micro_batch"},
      {{"train.batch_size=4", "train.micro_batch=8"}, "train.micro_batch"},
      {{"train.epochs=0"}, "train.epochs"},
      {{"train.warmup_epochs=-1"}, "train.warmup_epochs"},
      {{"train.lr=-0.1"}, "train.lr"},
      {{"train.head_lr=11"}, "train.head_lr"},
      {{"method.patch_size=48"}, "method.patch_size"},    // does not divide 512
      {{"method.patch_size=1024"}, "method.patch_size"},  // larger than the image
      {{"method.fill_bn_mode=sometimes"}, "method.fill_bn_mode"},
      {{"method.grad_accum_steps=-2"}, "method.grad_accum_steps"},
      {{"method=gd", "method.classifier=both"}, "method.classifier"},
      {{"backbone.name=vgg16"}, "backbone.name"},
      {{"backbone.width=0"}, "backbone.width"},
      {{"backbone.weights=/nonexistent/weights.pt"}, "backbone.weights"},
      {{"memory.cap=lots"}, "memory.cap"},
      {{"memory_format=nhwc"}, "memory_format"},
      {{"device=tpu"}, "device"},
      {{"threads=-1"}, "threads"},
      {{"eval.every_epochs=0"}, "eval.every_epochs"},
      {{"eval.bn_recalibration=-1"}, "eval.bn_recalibration"},
      {{"measure.steps=-1"}, "measure.steps"},
      {{"dataset.canvas_size=10"}, "dataset.canvas_size"},
      {{"dataset.scale_weights=triangle"}, "dataset.scale_weights"},
      {{"dataset.scale_weights=[1,2]"}, "dataset.scale_weights"},
      {{"dataset=synthetic", "dataset.val_size=-1"}, "dataset.val_size"},
      {{"dataset=panda", "dataset.level=coarsest"}, "dataset.level"},
      {{"dataset=panda", "dataset.fold=5"}, "dataset.fold"},
      {{"method=gd", "method.checkpoint=sometimes"}, "method.checkpoint"},
      {{"method=gd", "method.input_size=1024"}, "method.input_size"},  // larger than 512
      {{"method=gd", "method.input_size=-32"}, "method.input_size"},
      {{"method=gd", "method.input_size=big"}, "method.input_size"},
      {{"method=gd", "method.input_size=auto", "train.batch_size=auto"}, "method.input_size"},
      {{"method.inner_chunk=-1"}, "method.inner_chunk"},
  };
  for (const auto& c : cases) {
    // A value of the wrong type may already be refused while composing (the `_types` rules).
    std::string what;
    try {
      what = error_of(composed(c.overrides));
    } catch (const config::ConfigError& e) {
      what = e.what();
    }
    EXPECT_NE(what.find("'" + c.key + "'"), std::string::npos)
        << "overrides " << c.overrides.back() << " gave: '" << what << "'";
  }
}

TEST(RunSpec, AMissingRequiredKeyIsNamed) {
  nlohmann::json cfg = composed({});
  cfg["head"].erase("latent_dim");
  EXPECT_NE(error_of(cfg).find("head.latent_dim"), std::string::npos);
  cfg = composed({});
  cfg["dataset"].erase("mnist_path");
  EXPECT_NE(error_of(cfg).find("dataset.mnist_path"), std::string::npos);
}

// Every cell the project ships must read: a stricter reader would break a sweep mid-way.
TEST(RunSpec, EverySweepCellAtEveryScaleReads) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kTree / "sweeps"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  ASSERT_FALSE(files.empty());
  int64_t cells = 0;
  for (const auto& file : files) {
    nlohmann::json doc = config::load_yaml_file(file);
    std::vector<std::string> scales = {"smoke", "mini", "paper"};
    if (doc.contains("scales") && doc["scales"].is_object()) {
      scales.clear();
      for (const auto& item : doc["scales"].items()) scales.push_back(item.key());
    }
    for (const auto& scale : scales) {
      for (const auto& cell : config::load_sweep(file, scale, {}, kTree).cells) {
        EXPECT_EQ(error_of(cell.config), "")
            << file.filename() << " " << scale << " cell " << cell.index;
        ++cells;
      }
    }
  }
  EXPECT_GT(cells, 200);
}

}  // namespace
}  // namespace pgd::spec
