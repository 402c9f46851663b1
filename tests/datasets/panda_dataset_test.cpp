// The PANDA dataset end to end on slides the tests write: level choice, aspect and padding,
// normalization, labels, folds, the cache, and the errors for missing and unreadable slides.
#include "datasets/panda_dataset.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "datasets/panda_cache.h"
#include "datasets/pyramid_tiff_writer.h"
#include "tests/datasets/dataset_test_util.h"
#include "tests/datasets/panda_test_slides.h"

namespace pgd::data {
namespace {

using panda_testing::corner_image;
using panda_testing::Rgb;

constexpr Rgb kGreen = {40, 160, 90};
constexpr Rgb kRed = {220, 30, 30};

float normalized(int channel, int value) {
  return (static_cast<float>(value) / 255.0f - kPandaMean[channel]) / kPandaStd[channel];
}

// 600×400 landscape (or 400×600 portrait) slides, 3 levels, tile 128: green with a red block
// over the top-left third of the width and the top 40% of the height.
void write_slide(const std::filesystem::path& file, bool portrait = false,
                 Compression c = Compression::Deflate) {
  const int64_t h = portrait ? 600 : 400, w = portrait ? 400 : 600;
  write_pyramid_tiff(file, corner_image(h, w, kGreen, kRed, h * 2 / 5, w / 3), h, w, 3, 128, c);
}

class PandaDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(slides_);
    cfg_ = {{"name", "panda"},
            {"image_size", 128},
            {"csv", (dir_ / "train.csv").string()},
            {"slides_dir", slides_.string()},
            {"level", "auto"},
            {"min_level_side", 100},
            {"folds", 2},
            {"fold", 0},
            {"split_seed", 42},
            {"cache_dir", nullptr},
            {"skip_bad", false},
            {"limit", 0}};
  }

  // A CSV of (id, grade) rows; every id gets a deflate slide unless listed in `no_slide`.
  void write_set(const std::vector<std::pair<std::string, int>>& rows,
                 const std::set<std::string>& no_slide = {}) {
    std::string csv = "image_id,data_provider,isup_grade,gleason_score\n";
    for (const auto& [id, grade] : rows) {
      csv += id + ",radboud," + std::to_string(grade) + ",3+3\n";
      if (!no_slide.count(id)) write_slide(slide(id));
    }
    panda_testing::write_text(dir_ / "train.csv", csv);
  }

  std::filesystem::path slide(const std::string& id) const { return slides_ / (id + ".tiff"); }

  std::unique_ptr<PandaDataset> make(Split split = Split::Train) const {
    auto ds =
        make_panda_dataset(std::get<PandaOptions>(testing::options_of(cfg_).source), split, 0);
    auto* panda = dynamic_cast<PandaDataset*>(ds.get());
    EXPECT_NE(panda, nullptr);
    ds.release();
    return std::unique_ptr<PandaDataset>(panda);
  }

  // Both splits together: every row lands in exactly one, so tests can find "the" sample.
  std::vector<std::string> ids(const PandaDataset& d) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < d.size(); ++i) out.push_back(d.sample_id(i));
    return out;
  }

  panda_testing::TempDir dir_;
  std::filesystem::path slides_ = dir_ / "train_images";
  nlohmann::json cfg_;
};

TEST_F(PandaDatasetTest, AutoLevelIsTheCoarsestWithALongEnoughShortSide) {
  write_slide(slide("s"));
  const auto levels = read_slide_levels(slide("s"));  // short sides 400, 200, 100
  PandaLevelRule automatic{true, 0, 100};
  EXPECT_EQ(choose_panda_level(levels, automatic, 128, slide("s")), 1);  // needs >= 128
  EXPECT_EQ(choose_panda_level(levels, automatic, 64, slide("s")), 2);   // needs >= 100
  automatic.min_level_side = 300;
  EXPECT_EQ(choose_panda_level(levels, automatic, 64, slide("s")), 0);  // 400 >= 300
  automatic.min_level_side = 4096;
  EXPECT_EQ(choose_panda_level(levels, automatic, 64, slide("s")), 0);  // none: level 0
  EXPECT_EQ(choose_panda_level(levels, {false, 2, 0}, 4096, slide("s")), 2);
  try {
    choose_panda_level(levels, {false, 3, 0}, 128, slide("s"));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(slide("s").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("3 levels"), std::string::npos) << e.what();
  }
}

TEST_F(PandaDatasetTest, LandscapeKeepsAspectAndPadsTheBottomWhite) {
  write_slide(slide("s"));
  const PandaImage img = preprocess_panda_slide(slide("s"), {true, 0, 100}, 128);
  EXPECT_EQ(img.level, 1);  // 300×200
  EXPECT_EQ(img.content_width, 128);
  EXPECT_EQ(img.content_height, 85);  // 200·128/300
  // Red block: level 1 columns [0,100), rows [0,80) → output columns [0, 42.7), rows [0, 34.1).
  const auto at = [&](int64_t y, int64_t x) { return panda_testing::pixel(img.rgb, 128, y, x); };
  EXPECT_EQ(at(5, 5).r, kRed.r);
  EXPECT_EQ(at(30, 40).g, kRed.g);
  EXPECT_EQ(at(40, 50).g, kGreen.g);
  EXPECT_EQ(at(84, 127).b, kGreen.b);  // last content row, last column
  for (int64_t y = 85; y < 128; ++y)
    for (int64_t x = 0; x < 128; x += 9) {
      const Rgb p = at(y, x);
      ASSERT_TRUE(p.r == 255 && p.g == 255 && p.b == 255) << y << "," << x;
    }
  // The block's edge falls inside output pixel 42: a blend of red and green.
  EXPECT_GT(at(10, 42).r, kGreen.r);
  EXPECT_LT(at(10, 42).r, kRed.r);
}

TEST_F(PandaDatasetTest, PortraitPadsTheRightAndExplicitLevelEnlarges) {
  write_slide(slide("p"), /*portrait=*/true);
  // Level 2 is 100×150 (w×h); S = 300 enlarges bilinearly to 200×300.
  const PandaImage img = preprocess_panda_slide(slide("p"), {false, 2, 0}, 300);
  EXPECT_EQ(img.level, 2);
  EXPECT_EQ(img.content_height, 300);
  EXPECT_EQ(img.content_width, 200);
  const auto at = [&](int64_t y, int64_t x) { return panda_testing::pixel(img.rgb, 300, y, x); };
  EXPECT_EQ(at(10, 10).r, kRed.r);  // red over rows [0,120), columns [0,66)
  EXPECT_EQ(at(200, 150).g, kGreen.g);
  EXPECT_EQ(at(299, 199).g, kGreen.g);
  EXPECT_EQ(at(0, 200).r, 255);  // padding starts at column 200
  EXPECT_EQ(at(299, 299).b, 255);
}

TEST_F(PandaDatasetTest, SmallStripsGiveTheSameImage) {
  write_slide(slide("s"));
  const PandaLevelRule rule{false, 0, 0};
  EXPECT_EQ(preprocess_panda_slide(slide("s"), rule, 128).rgb,
            preprocess_panda_slide(slide("s"), rule, 128, 600 * 4 * 3).rgb);  // 3-row strips
}

TEST_F(PandaDatasetTest, JpegSlideGivesNearlyTheSameImage) {
  write_slide(slide("d"));
  write_slide(slide("j"), false, Compression::Jpeg);
  const auto d = preprocess_panda_slide(slide("d"), {true, 0, 100}, 128);
  const auto j = preprocess_panda_slide(slide("j"), {true, 0, 100}, 128);
  ASSERT_EQ(d.rgb.size(), j.rgb.size());
  double diff = 0;
  for (size_t k = 0; k < d.rgb.size(); ++k) diff += std::abs(int(d.rgb[k]) - int(j.rgb[k]));
  EXPECT_LT(diff / d.rgb.size(), 2.0);
}

TEST_F(PandaDatasetTest, ImagesAreNormalizedTensorsAndLabelsAreGrades) {
  write_set({{"a", 3}, {"b", 5}});
  cfg_["folds"] = 2;
  auto train = make(Split::Train), val = make(Split::Val);
  ASSERT_EQ(train->size() + val->size(), 2u);
  PandaDataset& d = train->size() ? *train : *val;
  EXPECT_EQ(d.num_classes(), 6);
  EXPECT_EQ(d.image_size(), 128);
  EXPECT_EQ(d.label(0), d.sample_id(0) == "a" ? 3 : 5);
  const torch::Tensor x = d.image(0);
  ASSERT_EQ(x.sizes(), (std::vector<int64_t>{3, 128, 128}));
  EXPECT_EQ(x.dtype(), torch::kFloat32);
  EXPECT_TRUE(x.is_contiguous());
  for (int c = 0; c < 3; ++c) {
    EXPECT_FLOAT_EQ(x[c][100][64].item<float>(), normalized(c, 255)) << "padding, channel " << c;
    const int red[3] = {kRed.r, kRed.g, kRed.b};
    EXPECT_FLOAT_EQ(x[c][5][5].item<float>(), normalized(c, red[c])) << "block, channel " << c;
  }
}

TEST_F(PandaDatasetTest, FoldsAreStratifiedDisjointAndCoverEveryRow) {
  std::vector<std::pair<std::string, int>> rows;
  const int counts[6] = {7, 5, 4, 6, 3, 5};
  for (int g = 0; g < 6; ++g)
    for (int k = 0; k < counts[g]; ++k)
      rows.emplace_back("g" + std::to_string(g) + "_" + std::to_string(k), g);
  std::string csv = "image_id,data_provider,isup_grade,gleason_score\n";
  for (const auto& [id, g] : rows) csv += id + ",k," + std::to_string(g) + ",0+0\n";
  panda_testing::write_text(dir_ / "train.csv", csv);
  // Tiny one-level slides: this test is about the split, not the pixels.
  for (const auto& [id, g] : rows)
    write_pyramid_tiff(slide(id), std::vector<uint8_t>(16 * 16 * 3, 200), 16, 16, 1, 16);

  cfg_["folds"] = 3;
  std::multiset<std::string> seen_in_val;
  std::vector<std::vector<int>> grade_count(3, std::vector<int>(6, 0));
  for (int fold = 0; fold < 3; ++fold) {
    cfg_["fold"] = fold;
    auto train = make(Split::Train), val = make(Split::Val);
    EXPECT_EQ(train->size() + val->size(), rows.size());
    const auto train_ids = ids(*train);
    std::set<std::string> t(train_ids.begin(), train_ids.end());
    for (size_t i = 0; i < val->size(); ++i) {
      EXPECT_EQ(t.count(val->sample_id(i)), 0u) << val->sample_id(i) << " in both splits";
      seen_in_val.insert(val->sample_id(i));
      ++grade_count[fold][val->label(i)];
    }
  }
  EXPECT_EQ(seen_in_val.size(), rows.size());  // each row validates exactly once
  EXPECT_EQ(std::set<std::string>(seen_in_val.begin(), seen_in_val.end()).size(), rows.size());
  for (int g = 0; g < 6; ++g) {
    int lo = 99, hi = 0;
    for (int f = 0; f < 3; ++f)
      lo = std::min(lo, grade_count[f][g]), hi = std::max(hi, grade_count[f][g]);
    EXPECT_LE(hi - lo, 1) << "grade " << g;
  }

  // Deterministic in split_seed, and the seed matters.
  cfg_["fold"] = 0;
  const auto v1 = ids(*make(Split::Val));
  EXPECT_EQ(ids(*make(Split::Val)), v1);
  cfg_["split_seed"] = 7;
  EXPECT_NE(ids(*make(Split::Val)), v1);

  // limit keeps the first N of the split, in CSV order.
  cfg_["split_seed"] = 42;
  const auto all_train = ids(*make(Split::Train));
  cfg_["limit"] = 4;
  EXPECT_EQ(ids(*make(Split::Train)),
            std::vector<std::string>(all_train.begin(), all_train.begin() + 4));
}

TEST_F(PandaDatasetTest, CacheIsWrittenThenReadWithoutTheSlide) {
  write_set({{"a", 2}});
  cfg_["folds"] = 2;
  cfg_["cache_dir"] = (dir_ / "cache").string();
  auto train = make(Split::Train), val = make(Split::Val);
  PandaDataset& d = train->size() ? *train : *val;
  const Split split = train->size() ? Split::Train : Split::Val;
  const auto cache = d.cache_path(0);
  EXPECT_EQ(cache, dir_ / "cache" / "a_Lauto128_S128.rgb");
  EXPECT_FALSE(std::filesystem::exists(cache));
  const torch::Tensor first = d.image(0);
  ASSERT_TRUE(std::filesystem::exists(cache));
  EXPECT_EQ(std::filesystem::file_size(cache), 32u + 128u * 128u * 3u);
  const auto cached = read_panda_cache(cache, 128);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->level, 1);
  EXPECT_EQ(cached->content_height, 85);
  // No temporary files left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_ / "cache"), {}), 1);

  // Without the slide, the same dataset and a freshly built one both serve the cached image.
  std::filesystem::remove(slide("a"));
  EXPECT_TRUE(torch::equal(d.image(0), first));
  auto again = make(split);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_TRUE(torch::equal(again->image(0), first));

  // Another size is another entry, which needs the slide: the error names it.
  cfg_["image_size"] = 64;
  EXPECT_THROW(make(split), DataError);
}

TEST_F(PandaDatasetTest, BrokenCacheEntryIsRebuilt) {
  write_set({{"a", 2}});
  cfg_["folds"] = 2;
  cfg_["cache_dir"] = (dir_ / "cache").string();
  auto train = make(Split::Train), val = make(Split::Val);
  PandaDataset& d = train->size() ? *train : *val;
  const torch::Tensor good = d.image(0);
  panda_testing::write_text(d.cache_path(0), "PGDPANDA truncated");
  EXPECT_FALSE(panda_cache_present(d.cache_path(0), 128));
  EXPECT_TRUE(torch::equal(d.image(0), good));
  EXPECT_TRUE(panda_cache_present(d.cache_path(0), 128));
}

TEST_F(PandaDatasetTest, MissingSlideFailsAtConstructionNamingIt) {
  write_set({{"a", 1}, {"gone", 1}, {"b", 1}, {"c", 1}}, {"gone"});
  cfg_["folds"] = 2;
  int failures = 0;
  for (Split split : {Split::Train, Split::Val}) {
    // Whichever split holds "gone" fails; the error names the path and the CSV line.
    try {
      auto d = make(split);
      for (size_t i = 0; i < d->size(); ++i) EXPECT_NE(d->sample_id(i), "gone");
    } catch (const DataError& e) {
      ++failures;
      const std::string msg = e.what();
      EXPECT_NE(msg.find(slide("gone").string()), std::string::npos) << msg;
      EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
      EXPECT_NE(msg.find("train.csv:3"), std::string::npos) << msg;
    }
  }
  EXPECT_EQ(failures, 1);
}

TEST_F(PandaDatasetTest, UnreadableSlideFailsAtReadNamingIt) {
  write_set({{"a", 4}, {"txt", 4}}, {"txt"});
  panda_testing::write_text(slide("txt"), "this is not a TIFF\n");
  cfg_["folds"] = 2;
  bool failed = false;
  for (Split split : {Split::Train, Split::Val}) {
    auto d = make(split);  // construction only checks that files exist
    for (size_t i = 0; i < d->size(); ++i) {
      if (d->sample_id(i) != "txt") continue;
      try {
        d->image(i);
      } catch (const DataError& e) {
        failed = true;
        EXPECT_NE(std::string(e.what()).find(slide("txt").string()), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_TRUE(failed);
}

TEST_F(PandaDatasetTest, SkipBadRecordsAndSkips) {
  write_set({{"a", 0}, {"gone", 0}, {"txt", 0}, {"b", 0}, {"c", 0}, {"d", 0}}, {"gone", "txt"});
  panda_testing::write_text(slide("txt"), "this is not a TIFF\n");
  cfg_["skip_bad"] = true;
  cfg_["folds"] = 2;
  std::set<std::string> kept, bad;
  for (Split split : {Split::Train, Split::Val}) {
    auto d = make(split);
    for (size_t i = 0; i < d->size(); ++i) {
      kept.insert(d->sample_id(i));
      EXPECT_EQ(d->image(i).size(1), 128);
    }
    for (const auto& b : d->bad_samples()) {
      bad.insert(b.image_id);
      EXPECT_EQ(b.slide, slide(b.image_id));
      EXPECT_NE(b.reason.find(slide(b.image_id).string()), std::string::npos) << b.reason;
      if (b.image_id == "gone") {
        EXPECT_NE(b.reason.find("missing"), std::string::npos) << b.reason;
      }
    }
  }
  EXPECT_EQ(kept, (std::set<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(bad, (std::set<std::string>{"gone", "txt"}));
}

TEST_F(PandaDatasetTest, ExplicitLevelBeyondTheSlideIsBadWithSkipBad) {
  write_set({{"a", 0}, {"b", 0}});
  cfg_["level"] = 5;
  cfg_["skip_bad"] = true;
  size_t bad = 0;
  for (Split split : {Split::Train, Split::Val}) {
    auto d = make(split);
    EXPECT_EQ(d->size(), 0u);
    for (const auto& b : d->bad_samples()) {
      ++bad;
      EXPECT_NE(b.reason.find("level 5"), std::string::npos) << b.reason;
    }
  }
  EXPECT_EQ(bad, 2u);
}

TEST_F(PandaDatasetTest, BadCsvRowFailsConstructionNamingFileAndLine) {
  panda_testing::write_text(
      dir_ / "train.csv",
      "image_id,data_provider,isup_grade,gleason_score\na,k,1,3+3\nb,k,9,3+3\n");
  try {
    make();
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "train.csv").string() + ":3"), std::string::npos)
        << e.what();
  }
}

TEST_F(PandaDatasetTest, ConfigErrorsNameTheKey) {
  write_set({{"a", 0}});
  auto key_error = [&](const char* key, nlohmann::json value) {
    nlohmann::json saved = cfg_;
    cfg_[key] = value;
    std::string msg = "(no error)";
    try {
      make();
    } catch (const config::ConfigError& e) {
      msg = e.what();
    }
    cfg_ = saved;
    return msg;
  };
  EXPECT_NE(key_error("level", "coarsest").find("dataset.level"), std::string::npos);
  EXPECT_NE(key_error("level", -1).find("dataset.level"), std::string::npos);
  EXPECT_NE(key_error("fold", 2).find("dataset.fold"), std::string::npos);  // folds = 2
  EXPECT_NE(key_error("folds", 1).find("dataset.folds"), std::string::npos);
  EXPECT_NE(key_error("image_size", 0).find("dataset.image_size"), std::string::npos);
  EXPECT_NE(key_error("limit", -3).find("dataset.limit"), std::string::npos);
  EXPECT_NE(key_error("csv", nullptr).find("dataset.csv"), std::string::npos);
}

TEST_F(PandaDatasetTest, ConcurrentReadsAgreeWithSerialOnes) {
  write_set({{"a", 0}, {"b", 1}, {"c", 2}, {"d", 3}, {"e", 4}, {"f", 5}});
  cfg_["folds"] = 2;
  cfg_["cache_dir"] = (dir_ / "cache").string();
  auto d = make(Split::Train);
  ASSERT_GE(d->size(), 2u);
  // Four threads make every sample at once (all of them write the same cache entries).
  std::vector<std::vector<torch::Tensor>> got(4);
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      try {
        for (size_t i = 0; i < d->size(); ++i) got[t].push_back(d->image((i + t) % d->size()));
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    ASSERT_EQ(errors[t], "");
    for (size_t i = 0; i < d->size(); ++i)
      EXPECT_TRUE(torch::equal(got[t][i], d->image((i + t) % d->size()))) << t << "," << i;
  }
}

}  // namespace
}  // namespace pgd::data

namespace pgd::data {
namespace {

// dataset.stream (issue 16): a level read as is, from the top-left, never resized.
TEST_F(PandaDatasetTest, StreamLevelIsTheFinestThatFitsWholeOrTheOneNamed) {
  write_slide(slide("s"));
  const auto levels = read_slide_levels(slide("s"));  // 600×400, 300×200, 150×100
  const PandaLevelRule automatic{true, 0, 4096};      // min_level_side plays no part
  EXPECT_EQ(choose_stream_level(levels, automatic, 600, slide("s")), 0);
  EXPECT_EQ(choose_stream_level(levels, automatic, 599, slide("s")), 1);
  EXPECT_EQ(choose_stream_level(levels, automatic, 150, slide("s")), 2);
  EXPECT_EQ(choose_stream_level(levels, {false, 0, 0}, 128, slide("s")), 0);  // cropped
  for (const auto& [rule, side] :
       std::vector<std::pair<PandaLevelRule, int64_t>>{{automatic, 149}, {{false, 3, 0}, 600}}) {
    try {
      choose_stream_level(levels, rule, side, slide("s"));
      FAIL() << "no error at side " << side;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(slide("s").string()), std::string::npos) << e.what();
    }
  }
}

TEST_F(PandaDatasetTest, StreamedImageIsTheLevelWindowPaddedWhiteAndNeverCached) {
  write_set({{"a", 2}});
  cfg_["image_size"] = 320;
  cfg_["stream"] = true;
  cfg_["cache_dir"] = (dir_ / "cache").string();
  auto train = make(Split::Train), val = make(Split::Val);
  PandaDataset& d = train->size() ? *train : *val;
  const auto window = d.slide_window(0);
  ASSERT_TRUE(window.has_value());
  EXPECT_EQ(window->slide, slide("a"));
  EXPECT_EQ(window->level, 1);  // 300×200 fits in 320²; level 0 (600×400) does not
  const torch::Tensor img = d.image(0);
  ASSERT_EQ(img.sizes(), (std::vector<int64_t>{3, 320, 320}));
  // Level 1 as is: red over columns [0, 100) and rows [0, 80), green to 300×200, white beyond.
  const auto is = [&](int64_t y, int64_t x, Rgb c) {
    for (int ch = 0; ch < 3; ++ch) {
      const int v = ch == 0 ? c.r : ch == 1 ? c.g : c.b;
      if (img[ch][y][x].item<float>() != normalized(ch, v)) return false;
    }
    return true;
  };
  EXPECT_TRUE(is(0, 0, kRed));
  EXPECT_TRUE(is(79, 99, kRed));
  EXPECT_TRUE(is(80, 99, kGreen));
  EXPECT_TRUE(is(79, 100, kGreen));
  EXPECT_TRUE(is(199, 299, kGreen));
  EXPECT_TRUE(is(200, 10, {255, 255, 255}));
  EXPECT_TRUE(is(10, 300, {255, 255, 255}));
  EXPECT_TRUE(is(319, 319, {255, 255, 255}));
  EXPECT_TRUE(d.cache_path(0).empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "cache" / "a_Lauto320_S320.rgb"));

  cfg_["stream"] = false;  // the same dataset unstreamed serves no window
  auto plain = make(train->size() ? Split::Train : Split::Val);
  EXPECT_FALSE(plain->slide_window(0).has_value());
}

TEST_F(PandaDatasetTest, StreamedSlideThatFitsNoLevelFailsNamingIt) {
  write_set({{"a", 2}, {"b", 3}});
  cfg_["image_size"] = 64;  // the coarsest level is 150×100
  cfg_["stream"] = true;
  for (const Split split : {Split::Train, Split::Val}) {
    auto d = make(split);
    for (size_t i = 0; i < d->size(); ++i) {
      try {
        d->slide_window(i);
        FAIL() << "no error";
      } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find(d->slide_path(i).string()), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("dataset.level"), std::string::npos) << e.what();
      }
    }
  }
  cfg_["skip_bad"] = true;  // checked up front: skipped and recorded
  auto train = make(Split::Train), val = make(Split::Val);
  EXPECT_EQ(train->size() + val->size(), 0u);
  EXPECT_EQ(train->bad_samples().size() + val->bad_samples().size(), 2u);
}

}  // namespace
}  // namespace pgd::data
