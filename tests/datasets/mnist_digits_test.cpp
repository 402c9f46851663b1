#include "datasets/mnist_digits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/datasets/dataset_test_util.h"

namespace pgd::data {
namespace {

using ::testing::HasSubstr;
using testing::idx_images;
using testing::idx_labels;
using testing::TempDir;
using testing::write_bytes;

// The message of the DataError thrown by f, or "" if none was thrown.
template <class F>
std::string data_error(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(IdxDigits, ReadsPlainFiles) {
  TempDir dir;
  write_bytes(dir / "img", idx_images(3));
  write_bytes(dir / "lab", idx_labels({7, 0, 9}));
  DigitPool pool = read_idx_digits(dir / "img", dir / "lab");
  ASSERT_EQ(pool.size(), 3u);
  EXPECT_EQ(pool.pixels.size(), 3u * 784);
  EXPECT_EQ(pool.labels, (std::vector<uint8_t>{7, 0, 9}));
  EXPECT_EQ(pool.image(0)[0], 1);
  EXPECT_EQ(pool.image(2)[783], 15);
}

TEST(IdxDigits, ReadsGzipFilesLikePlainOnes) {
  TempDir dir;
  write_bytes(dir / "img.gz", idx_images(4), /*gzip=*/true);
  write_bytes(dir / "lab.gz", idx_labels({1, 2, 3, 4}), true);
  write_bytes(dir / "img", idx_images(4));
  write_bytes(dir / "lab", idx_labels({1, 2, 3, 4}));
  DigitPool gz = read_idx_digits(dir / "img.gz", dir / "lab.gz");
  DigitPool plain = read_idx_digits(dir / "img", dir / "lab");
  EXPECT_EQ(gz.pixels, plain.pixels);
  EXPECT_EQ(gz.labels, plain.labels);
}

TEST(IdxDigits, MissingFileIsNamed) {
  TempDir dir;
  write_bytes(dir / "lab", idx_labels({1}));
  std::string msg = data_error([&] { read_idx_digits(dir / "nope-images", dir / "lab"); });
  EXPECT_THAT(msg, HasSubstr("nope-images"));
  EXPECT_THAT(msg, HasSubstr("missing"));
}

TEST(IdxDigits, TruncatedImagesAreNamed) {
  TempDir dir;
  auto bytes = idx_images(5);
  bytes.resize(bytes.size() - 100);
  write_bytes(dir / "short-images", bytes);
  write_bytes(dir / "lab", idx_labels({0, 1, 2, 3, 4}));
  std::string msg = data_error([&] { read_idx_digits(dir / "short-images", dir / "lab"); });
  EXPECT_THAT(msg, HasSubstr("short-images"));
  EXPECT_THAT(msg, HasSubstr("truncated"));
}

TEST(IdxDigits, TruncatedGzipIsNamed) {
  TempDir dir;
  write_bytes(dir / "img.gz", idx_images(50), true);
  // Cut the compressed stream in half: the reader must not accept what it got.
  std::ifstream in(dir / "img.gz", std::ios::binary);
  std::vector<uint8_t> gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  gz.resize(gz.size() / 2);
  write_bytes(dir / "cut.gz", gz);
  write_bytes(dir / "lab", idx_labels(std::vector<uint8_t>(50, 1)));
  std::string msg = data_error([&] { read_idx_digits(dir / "cut.gz", dir / "lab"); });
  EXPECT_THAT(msg, HasSubstr("cut.gz"));
}

TEST(IdxDigits, BadMagicIsNamed) {
  TempDir dir;
  write_bytes(dir / "img", idx_images(2, /*magic=*/0x801));
  write_bytes(dir / "lab", idx_labels({1, 2}));
  std::string msg = data_error([&] { read_idx_digits(dir / "img", dir / "lab"); });
  EXPECT_THAT(msg, HasSubstr("bad magic"));
  EXPECT_THAT(msg, HasSubstr((dir / "img").string()));

  write_bytes(dir / "img", idx_images(2));
  write_bytes(dir / "lab", idx_labels({1, 2}, /*magic=*/0x803));
  msg = data_error([&] { read_idx_digits(dir / "img", dir / "lab"); });
  EXPECT_THAT(msg, HasSubstr("bad magic"));
  EXPECT_THAT(msg, HasSubstr((dir / "lab").string()));
}

TEST(IdxDigits, WrongImageSideIsRejected) {
  TempDir dir;
  write_bytes(dir / "img", idx_images(2, 0x803, 20));
  write_bytes(dir / "lab", idx_labels({1, 2}));
  EXPECT_THAT(data_error([&] { read_idx_digits(dir / "img", dir / "lab"); }), HasSubstr("28x28"));
}

TEST(IdxDigits, CountMismatchIsNamed) {
  TempDir dir;
  write_bytes(dir / "img", idx_images(3));
  write_bytes(dir / "lab", idx_labels({1, 2}));
  std::string msg = data_error([&] { read_idx_digits(dir / "img", dir / "lab"); });
  EXPECT_THAT(msg, HasSubstr((dir / "lab").string()));
  EXPECT_THAT(msg, HasSubstr("2 labels"));
  EXPECT_THAT(msg, HasSubstr("3 images"));
}

TEST(IdxDigits, LabelOutsideDigitsIsNamed) {
  TempDir dir;
  write_bytes(dir / "img", idx_images(3));
  write_bytes(dir / "lab", idx_labels({1, 12, 2}));
  std::string msg = data_error([&] { read_idx_digits(dir / "img", dir / "lab"); });
  EXPECT_THAT(msg, HasSubstr((dir / "lab").string()));
  EXPECT_THAT(msg, HasSubstr("label 12 at index 1"));
}

TEST(LoadMnistDigits, DetectsIdxFolderTrainThenTest) {
  TempDir dir;
  write_bytes(dir / "train-images-idx3-ubyte.gz", idx_images(2), true);
  write_bytes(dir / "train-labels-idx1-ubyte.gz", idx_labels({3, 4}), true);
  write_bytes(dir / "t10k-images-idx3-ubyte", idx_images(1));
  write_bytes(dir / "t10k-labels-idx1-ubyte", idx_labels({5}));
  DigitPool pool = load_mnist_digits(dir.path());
  EXPECT_EQ(pool.labels, (std::vector<uint8_t>{3, 4, 5}));
}

TEST(LoadMnistDigits, MissingLabelsFileIsNamed) {
  TempDir dir;
  write_bytes(dir / "train-images-idx3-ubyte", idx_images(2));
  std::string msg = data_error([&] { load_mnist_digits(dir.path()); });
  EXPECT_THAT(msg, HasSubstr("train-labels-idx1-ubyte"));
  EXPECT_THAT(msg, HasSubstr("missing"));
}

TEST(LoadMnistDigits, EmptyOrAbsentFolderIsAnError) {
  TempDir dir;
  EXPECT_THAT(data_error([&] { load_mnist_digits(dir.path()); }), HasSubstr("no digit files"));
  EXPECT_THAT(data_error([&] { load_mnist_digits(dir / "absent"); }), HasSubstr("does not exist"));
}

void write_json_folder(const TempDir& dir, int per_digit, float value = 0.5f) {
  for (int d = 0; d < 10; ++d) {
    std::ofstream out(dir / (std::to_string(d) + ".json"));
    out << "{ \"data\": [";
    for (int k = 0; k < per_digit * 784; ++k) out << (k ? "," : "") << (k == 0 ? 1 : value);
    out << "]}";
  }
}

TEST(JsonDigits, ReadsATinyFolder) {
  TempDir dir;
  write_json_folder(dir, 2);
  DigitPool pool = load_mnist_digits(dir.path());  // detected as JSON
  ASSERT_EQ(pool.size(), 20u);
  EXPECT_EQ(pool.labels[0], 0);
  EXPECT_EQ(pool.labels[19], 9);
  EXPECT_EQ(pool.image(0)[0], 255);  // 1.0
  EXPECT_EQ(pool.image(0)[1], 128);  // round(0.5 · 255)
  EXPECT_EQ(pool.image(1)[0], 128);
}

TEST(JsonDigits, BadFilesAreNamed) {
  TempDir dir;
  write_json_folder(dir, 1);
  auto expect_error = [&](const std::string& text, const std::string& what) {
    { std::ofstream(dir / "4.json") << text; }
    std::string msg = data_error([&] { read_json_digits(dir.path()); });
    EXPECT_THAT(msg, HasSubstr((dir / "4.json").string())) << text;
    EXPECT_THAT(msg, HasSubstr(what)) << text;
  };
  expect_error("[1, 2]", "expected {\"data\"");
  expect_error("{\"pixels\": [0]}", "'pixels'");
  expect_error("{\"data\": [0, \"a\"]}", "a string");
  expect_error("{\"data\": [0, 0.5", "not valid JSON");
  expect_error("{\"data\": [0, 0.5, 0]}", "not a multiple of 784");
  expect_error("{\"data\": [0, 1.5]}", "outside [0, 1]");
  expect_error("{\"data\": [-0.1]}", "outside [0, 1]");
  std::filesystem::remove(dir / "4.json");
  EXPECT_THAT(data_error([&] { read_json_digits(dir.path()); }), HasSubstr("missing"));
}

TEST(JsonDigits, RealInstalledDigits) {
  auto pool = shared_mnist_digits(testing::real_digits_path());
  ASSERT_EQ(pool->size(), 10000u);
  std::array<int, 10> per_class{};
  for (uint8_t l : pool->labels) per_class[l]++;
  for (int d = 0; d < 10; ++d) EXPECT_GT(per_class[d], 800) << d;
  EXPECT_EQ(per_class[0], 1001);
  // Digits have ink: the mean pixel of a digit is well above black and below white.
  double mean = 0;
  for (size_t q = 0; q < 784; ++q) mean += pool->image(0)[q];
  mean /= 784;
  EXPECT_GT(mean, 10);
  EXPECT_LT(mean, 128);
  // Loaded once per process: the second call shares the first pool.
  EXPECT_EQ(shared_mnist_digits(testing::real_digits_path()).get(), pool.get());
}

TEST(SplitDigitPool, SplitsAreDisjointAndCoverThePool) {
  auto pool = testing::fake_pool(10);
  auto train = split_digit_pool(*pool, Split::Train);
  auto val = split_digit_pool(*pool, Split::Val);
  std::set<uint32_t> seen;
  for (int d = 0; d < 10; ++d) {
    EXPECT_EQ(train[d].size(), 8u);
    EXPECT_EQ(val[d].size(), 2u);
    for (uint32_t i : train[d]) {
      EXPECT_EQ(pool->labels[i], d);
      EXPECT_TRUE(seen.insert(i).second);
    }
    for (uint32_t i : val[d]) {
      EXPECT_EQ(pool->labels[i], d);
      EXPECT_TRUE(seen.insert(i).second) << "digit " << i << " is in both splits";
    }
  }
  EXPECT_EQ(seen.size(), pool->size());
}

TEST(SplitDigitPool, EmptySplitIsAnError) {
  auto pool = testing::fake_pool(1);  // one digit per class: floor(0.8) = 0 for train
  EXPECT_THROW(split_digit_pool(*pool, Split::Train), DataError);
  EXPECT_NO_THROW(split_digit_pool(*pool, Split::Val));
}

}  // namespace
}  // namespace pgd::data
