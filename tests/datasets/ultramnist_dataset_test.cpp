#include "datasets/ultramnist_dataset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <thread>

#include <torch/torch.h>

#include "tests/datasets/dataset_test_util.h"

namespace pgd::data {
namespace {

using ::testing::HasSubstr;

// Scalars become ints, floats, bools or strings as YAML would type them; enough for the
// dataset config files.
nlohmann::json to_json(const YAML::Node& n) {
  if (n.IsNull()) return nullptr;
  if (n.IsSequence()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& item : n) a.push_back(to_json(item));
    return a;
  }
  if (n.IsMap()) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
    return o;
  }
  const std::string s = n.Scalar();
  int64_t i;
  double d;
  bool b;
  if (YAML::convert<int64_t>::decode(n, i)) return i;
  if (YAML::convert<double>::decode(n, d)) return d;
  if (YAML::convert<bool>::decode(n, b)) return b;
  return s;
}

nlohmann::json dataset_yaml(const std::string& name) {
  return to_json(
      YAML::LoadFile(std::string(PATCHGD_SOURCE_DIR) + "/experiments/dataset/" + name + ".yaml"));
}

void expect_same(const UltraMnistParams& a, const UltraMnistParams& b) {
  EXPECT_EQ(a.canvas_size, b.canvas_size);
  EXPECT_EQ(a.image_size, b.image_size);
  EXPECT_EQ(a.num_classes, b.num_classes);
  EXPECT_EQ(a.digits_min, b.digits_min);
  EXPECT_EQ(a.digits_max, b.digits_max);
  EXPECT_EQ(a.scale_min, b.scale_min);
  EXPECT_EQ(a.scale_max, b.scale_max);
  EXPECT_EQ(a.scale_weights, b.scale_weights);
  EXPECT_EQ(a.hash(), b.hash());
}

TEST(UltraMnistConfig, ExperimentFilesMatchThePresets) {
  nlohmann::json big = dataset_yaml("ultramnist");
  expect_same(ultramnist_params_from_config(config::ConfigView(big, "dataset")),
              ultramnist_preset());
  nlohmann::json small = dataset_yaml("ultramnist10");
  expect_same(ultramnist_params_from_config(config::ConfigView(small, "dataset")),
              ultramnist10_preset());
  nlohmann::json needle = dataset_yaml("ultramnist-needle");
  expect_same(ultramnist_params_from_config(config::ConfigView(needle, "dataset")),
              ultramnist_needle_preset());
  EXPECT_EQ(ultramnist_params_from_config(config::ConfigView(needle, "dataset")).half_size_prob,
            0.0);
  needle["half_size_prob"] = 1.5;
  try {
    ultramnist_params_from_config(config::ConfigView(needle, "dataset"));
    ADD_FAILURE() << "half_size_prob 1.5 accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("dataset.half_size_prob"), std::string::npos) << e.what();
  }
}

TEST(UltraMnistConfig, ScaleWeightsTakeNamesOrLists) {
  nlohmann::json cfg = dataset_yaml("ultramnist10");
  cfg["scale_weights"] = "uniform";
  EXPECT_EQ(ultramnist_params_from_config(config::ConfigView(cfg)).scale_weights,
            std::vector<double>(9, 1.0));
  cfg["scale_weights"] = "v_shape";
  EXPECT_EQ(ultramnist_params_from_config(config::ConfigView(cfg)).scale_weights,
            v_shape_weights(1, 9));
  cfg["scale_weights"] = "triangle";
  try {
    ultramnist_params_from_config(config::ConfigView(cfg, "dataset"));
    FAIL() << "no error for an unknown weight shape";
  } catch (const config::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("dataset.scale_weights"));
  }
  cfg["scale_weights"] = {1, 2};
  EXPECT_THROW(ultramnist_params_from_config(config::ConfigView(cfg)), config::ConfigError);
  cfg = dataset_yaml("ultramnist10");
  cfg.erase("canvas_size");
  try {
    ultramnist_params_from_config(config::ConfigView(cfg, "dataset"));
    FAIL() << "no error for a missing key";
  } catch (const config::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("dataset.canvas_size"));
  }
}

// ultramnist10 with a handful of images per class.
nlohmann::json small_config() {
  nlohmann::json cfg = dataset_yaml("ultramnist10");
  cfg["train_per_class"] = 2;
  cfg["val_per_class"] = 1;
  return cfg;
}

TEST(UltraMnistDataset, Ultramnist10ShapesLabelsAndNormalization) {
  nlohmann::json cfg = small_config();
  auto train = make_dataset(config::ConfigView(cfg, "dataset"), Split::Train, 42);
  auto val = make_dataset(config::ConfigView(cfg, "dataset"), Split::Val, 42);
  ASSERT_EQ(train->size(), 20u);
  ASSERT_EQ(val->size(), 10u);
  EXPECT_EQ(train->num_classes(), 10);
  EXPECT_EQ(train->image_size(), 512);
  std::vector<int> per_class(10, 0);
  for (size_t i = 0; i < train->size(); ++i) {
    EXPECT_EQ(train->label(i), static_cast<int64_t>(i % 10));
    per_class[static_cast<size_t>(train->label(i))]++;
  }
  for (int c : per_class) EXPECT_EQ(c, 2);
  EXPECT_EQ(train->sample_id(13), "ultramnist/train/13");
  EXPECT_EQ(val->sample_id(3), "ultramnist/val/3");

  auto* um = dynamic_cast<UltraMnistDataset*>(train.get());
  ASSERT_NE(um, nullptr);
  torch::Tensor img = train->image(7);
  ASSERT_EQ(img.sizes(), (std::vector<int64_t>{3, 512, 512}));
  EXPECT_EQ(img.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(img.is_contiguous());
  EXPECT_TRUE(torch::equal(img[0], img[1]));
  EXPECT_TRUE(torch::equal(img[0], img[2]));
  std::vector<uint8_t> raw = um->raw_image(7);
  torch::Tensor expected =
      (torch::from_blob(raw.data(), {512, 512}, torch::kUInt8).to(torch::kFloat32) / 255.0f -
       UltraMnistDataset::kMean) /
      UltraMnistDataset::kStd;
  EXPECT_TRUE(torch::allclose(img[0], expected, 1e-5, 1e-5));
  // Mostly black canvas: the background value dominates, and some digit ink is present.
  EXPECT_NEAR(img.min().item<float>(), -0.1307f / 0.3081f, 1e-5);
  EXPECT_GT(img.max().item<float>(), 2.0f);
  // Same image index, other split: other digits.
  EXPECT_FALSE(torch::equal(train->image(3), val->image(3)));
  EXPECT_THROW(train->image(20), std::out_of_range);
}

TEST(UltraMnistDataset, ImagesMadeOnSeveralThreadsAtOnceAgree) {
  nlohmann::json cfg = small_config();
  auto ds = make_dataset(config::ConfigView(cfg, "dataset"), Split::Train, 5);
  torch::Tensor expected = ds->image(6);
  std::vector<torch::Tensor> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) threads.emplace_back([&, t] { got[t] = ds->image(6); });
  for (auto& th : threads) th.join();
  for (const auto& g : got) EXPECT_TRUE(torch::equal(g, expected));
}

TEST(UltraMnistDataset, PublishedPresetAtATestSize) {
  nlohmann::json cfg = dataset_yaml("ultramnist");
  cfg["image_size"] = 256;  // the 4000² canvas is still drawn, then area-averaged
  cfg["train_per_class"] = 1;
  cfg["val_per_class"] = 1;
  auto ds = make_ultramnist_dataset(config::ConfigView(cfg, "dataset"), Split::Train, 42);
  ASSERT_EQ(ds->size(), 28u);
  EXPECT_EQ(ds->label(27), 27);
  for (size_t i : {0u, 27u}) {
    UltraMnistSample s = ds->sample(i);
    int64_t sum = 0;
    for (const auto& d : s.digits) sum += d.digit;
    EXPECT_EQ(sum, static_cast<int64_t>(i));
    torch::Tensor img = ds->image(i);
    ASSERT_EQ(img.sizes(), (std::vector<int64_t>{3, 256, 256}));
    // Where the largest digit lies, the downscaled image has ink.
    const auto& biggest = *std::max_element(s.digits.begin(), s.digits.end(),
                                            [](auto& a, auto& b) { return a.side < b.side; });
    if (biggest.side >= 200) {
      int64_t x0 = biggest.x * 256 / 4000, y0 = biggest.y * 256 / 4000;
      int64_t w = biggest.side * 256 / 4000;
      EXPECT_GT(img[0].slice(0, y0, y0 + w).slice(1, x0, x0 + w).max().item<float>(), 0.5f);
    }
  }
}

TEST(UltraMnistDataset, CacheStoresAndServesRawImages) {
  testing::TempDir dir;
  nlohmann::json cfg = small_config();
  cfg["canvas_size"] = 128;
  cfg["image_size"] = 64;
  cfg["scale_max"] = 3;
  cfg["scale_weights"] = "v_shape";
  cfg["cache_dir"] = dir.path().string();
  auto ds = make_ultramnist_dataset(config::ConfigView(cfg, "dataset"), Split::Train, 3);
  std::filesystem::path file = ds->cache_file(5);
  ASSERT_FALSE(file.empty());
  EXPECT_FALSE(std::filesystem::exists(file));
  std::vector<uint8_t> first = ds->raw_image(5);
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::file_size(file), 64u * 64u);
  EXPECT_THAT(file.string(), HasSubstr("ultramnist-"));
  EXPECT_EQ(file.parent_path().filename().string(), "train");

  // The cache is read back: overwrite it and the dataset serves the new bytes.
  std::vector<uint8_t> marked(64 * 64, 200);
  testing::write_bytes(file, marked);
  EXPECT_EQ(ds->raw_image(5), marked);
  // A file of the wrong size is not trusted: the image is made again and the file replaced.
  testing::write_bytes(file, {1, 2, 3});
  EXPECT_EQ(ds->raw_image(5), first);
  EXPECT_EQ(std::filesystem::file_size(file), 64u * 64u);

  // Another seed keys another cache folder.
  auto other = make_ultramnist_dataset(config::ConfigView(cfg, "dataset"), Split::Train, 4);
  EXPECT_NE(other->cache_file(5).parent_path(), file.parent_path());
  // No cache without cache_dir.
  cfg["cache_dir"] = nullptr;
  EXPECT_TRUE(
      make_ultramnist_dataset(config::ConfigView(cfg), Split::Train, 3)->cache_file(5).empty());
}

TEST(UltraMnistDataset, MissingDigitsFolderIsADataError) {
  nlohmann::json cfg = small_config();
  cfg["mnist_path"] = "/nonexistent/mnist";
  try {
    make_dataset(config::ConfigView(cfg, "dataset"), Split::Train, 1);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/mnist"));
  }
}

TEST(MakeDataset, UnknownNameListsTheValidOnes) {
  nlohmann::json cfg = {{"name", "cifar"}};
  try {
    make_dataset(config::ConfigView(cfg, "dataset"), Split::Train, 1);
    FAIL() << "no error";
  } catch (const config::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("dataset.name"));
    EXPECT_THAT(e.what(), HasSubstr("ultramnist10"));
    EXPECT_THAT(e.what(), HasSubstr("synthetic"));
    EXPECT_THAT(e.what(), HasSubstr("panda"));
  }
}

TEST(MakeDataset, SyntheticFromItsExperimentFile) {
  nlohmann::json cfg = dataset_yaml("synthetic");
  auto train = make_dataset(config::ConfigView(cfg, "dataset"), Split::Train, 1);
  auto val = make_dataset(config::ConfigView(cfg, "dataset"), Split::Val, 1);
  EXPECT_EQ(train->size(), 64u);
  EXPECT_EQ(val->size(), 32u);
  EXPECT_EQ(train->num_classes(), 4);
  EXPECT_EQ(train->image(0).sizes(), (std::vector<int64_t>{3, 256, 256}));
}

// Runs f with the working directory set to `dir`, restoring it afterwards.
template <class F>
void in_directory(const std::filesystem::path& dir, F&& f) {
  auto old = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  try {
    f();
  } catch (...) {
    std::filesystem::current_path(old);
    throw;
  }
  std::filesystem::current_path(old);
}

TEST(ResolveDataPath, AbsoluteThenWorkingDirectoryThenSourceTree) {
  EXPECT_EQ(resolve_data_path("/abs/path"), std::filesystem::path("/abs/path"));
  testing::TempDir dir;
  in_directory(dir.path(), [&] {
    // Only in the source tree.
    EXPECT_EQ(resolve_data_path("experiments/dataset/ultramnist.yaml"),
              std::filesystem::path(PATCHGD_SOURCE_DIR) / "experiments/dataset/ultramnist.yaml");
    // Present in the working directory: that one wins.
    std::filesystem::create_directories(dir / "experiments/dataset");
    std::ofstream(dir / "experiments/dataset/ultramnist.yaml") << "name: x\n";
    EXPECT_EQ(resolve_data_path("experiments/dataset/ultramnist.yaml"),
              std::filesystem::current_path() / "experiments/dataset/ultramnist.yaml");
    // Nowhere: relative to the working directory.
    EXPECT_EQ(resolve_data_path("results/cache"),
              std::filesystem::current_path() / "results/cache");
  });
  EXPECT_STREQ(split_name(Split::Train), "train");
  EXPECT_STREQ(split_name(Split::Val), "val");
}

}  // namespace
}  // namespace pgd::data
