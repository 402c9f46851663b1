// Templates are data: loading them, their canonical values, and the errors a broken one gives.
#include <gtest/gtest.h>

#include <set>

#include "results/src/unknown_name_error.h"
#include "results/src/table_template.h"
#include "results/src/tables.h"
#include "tests/results/results_test_db.h"

namespace pgd::results {
namespace {

using testing::ResultsDbTest;
class TemplateFileTest : public ResultsDbTest {};

TEST(CanonicalValue, YamlScalarsAndJsonValuesAgree) {
  const nlohmann::json eighth = 0.125, side = 512, cap = "4GB", third = 1.0 / 3.0;
  EXPECT_EQ(canonical_scalar("0.125"), canonical_json(&eighth));
  EXPECT_EQ(canonical_scalar("512"), canonical_json(&side));
  EXPECT_EQ(canonical_scalar("4GB"), canonical_json(&cap));
  EXPECT_EQ(canonical_scalar("0.333333333333"), canonical_json(&third));
  EXPECT_EQ(canonical_json(nullptr), "");
  EXPECT_EQ(canonical_scalar("1/4"), "1/4");  // a label-like string is not a number
}

TEST(CanonicalValue, DottedPathsReachNestedKeys) {
  const nlohmann::json c = {{"method", {{"name", "gd"}, {"patch_size", 32}}}};
  ASSERT_NE(json_at_path(c, "method.patch_size"), nullptr);
  EXPECT_EQ(*json_at_path(c, "method.patch_size"), 32);
  EXPECT_EQ(json_at_path(c, "method.sampling_fraction"), nullptr);
  EXPECT_EQ(json_at_path(c, "method.name.deeper"), nullptr);
}

TEST(NaturalOrder, MemorySizesByMagnitudeAndNoneLast) {
  EXPECT_TRUE(natural_less("96MB", "4GB"));
  EXPECT_TRUE(natural_less("4GB", "16GB"));
  EXPECT_FALSE(natural_less("16GB", "4GB"));
  EXPECT_TRUE(natural_less("24GB", "none"));
  EXPECT_TRUE(natural_less("512", "2048"));
  EXPECT_DOUBLE_EQ(parse_memory_size("768MB"), 768.0 * 1048576.0);
  EXPECT_LT(parse_memory_size("none"), 0);
}

TEST(ShippedTemplates, AllLoadWithTheKeysOfTheirSweeps) {
  const auto dir = default_templates_dir();
  const std::set<std::string> expected = {"ablation-accumulation",
                                          "ablation-head",
                                          "ablation-sampling",
                                          "equal-memory",
                                          "gigapixel",
                                          "latency",
                                          "memory-scaling",
                                          "needle",
                                          "needle-resolution",
                                          "panda",
                                          "ultramnist"};
  // Ours, not the paper's: no published layout to list.
  const std::set<std::string> not_in_paper = {"needle", "needle-resolution", "equal-memory",
                                              "gigapixel"};
  const auto names = table_names(dir);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), expected);
  for (const auto& n : names) {
    const TableTemplate t = load_table_template(dir / (n + ".yaml"));
    EXPECT_EQ(t.sweep, n) << "each table is fed by the sweep of its own name";
    if (!not_in_paper.count(n))
      EXPECT_FALSE(t.rows.paper.empty()) << n << ": the paper's layout is listed";
  }
  const TableTemplate panda = load_named_template(dir, "panda");
  ASSERT_EQ(panda.values.size(), 2u);
  EXPECT_EQ(panda.values[1].name, "best_qwk");
  EXPECT_EQ(panda.columns.paper.size(), 3u);
  const TableTemplate acc = load_named_template(dir, "ablation-accumulation");
  EXPECT_EQ(acc.rows.keys[0].label_of("0"), "ζ");  // grad_accum_steps 0 means ε = ζ
  const TableTemplate lat = load_named_template(dir, "latency");
  EXPECT_FALSE(lat.values[0].higher_is_better);  // latency: lower is better
  EXPECT_TRUE(lat.values[2].higher_is_better);   // throughput: higher is better
}

TEST_F(TemplateFileTest, UnknownKeyIsNamedWithItsFile) {
  const auto f = write_file("t/bad.yaml",
                            "title: x\nsweep: s\nrows: {keys: [{key: a}]}\n"
                            "values: [{metric: m, fromat: percent}]\n");
  try {
    load_table_template(f);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yaml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("values[0].fromat"), std::string::npos) << e.what();
  }
}

TEST_F(TemplateFileTest, SettingEntriesAreCheckedByKey) {
  const std::string head = "title: x\nsweep: s\nrows: {keys: [{key: a}]}\nvalues: [{metric: m}]\n";
  const auto ok =
      write_file("t/ok.yaml", head +
                                  "setting: [{key: method.checkpoint, label: ckpt, "
                                  "hide: [off]}, {measurement: peak_memory, format: mib}]\n");
  const TableTemplate t = load_table_template(ok);
  ASSERT_EQ(t.setting.size(), 2u);
  EXPECT_TRUE(t.setting[0].from_config);
  EXPECT_EQ(t.setting[0].hide, std::vector<std::string>{"off"});
  EXPECT_EQ(t.setting[1].format, "mib");
  for (const auto& [bad, key] : std::vector<std::pair<std::string, std::string>>{
           {"setting: [{labl: x, key: a}]\n", "setting[0].labl"},
           {"setting: [{label: x}]\n", "setting[0]"},
           {"setting: [{key: a, format: mib}]\n", "setting[0].format"},
           {"setting: {key: a}\n", "setting"}}) {
    try {
      load_table_template(write_file("t/bad.yaml", head + bad));
      ADD_FAILURE() << "expected an error for " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("'" + key), std::string::npos) << e.what();
    }
  }
}

TEST_F(TemplateFileTest, PaperComboOfTheWrongLengthIsAnError) {
  const auto f = write_file("t/bad.yaml",
                            "title: x\nsweep: s\nrows: {keys: [{key: a}, {key: b}], paper: [[1]]}\n"
                            "values: [{metric: m}]\n");
  EXPECT_THROW(load_table_template(f), std::runtime_error);
}

TEST_F(TemplateFileTest, UnknownFormatAndMissingValuesAreErrors) {
  auto f = write_file(
      "t/a.yaml",
      "title: x\nsweep: s\nrows: {keys: [{key: a}]}\nvalues: [{metric: m, format: pct}]\n");
  EXPECT_THROW(load_table_template(f), std::runtime_error);
  f = write_file("t/b.yaml", "title: x\nsweep: s\nrows: {keys: [{key: a}]}\n");
  EXPECT_THROW(load_table_template(f), std::runtime_error);
}

TEST_F(TemplateFileTest, UnknownTableListsTheValidOnes) {
  write_file("t/one.yaml", "title: x\nsweep: s\nrows: {keys: [{key: a}]}\nvalues: [{metric: m}]\n");
  write_file("t/two.yaml", "title: y\nsweep: s\nrows: {keys: [{key: a}]}\nvalues: [{metric: m}]\n");
  try {
    load_named_template(dir() / "t", "three");
    FAIL() << "expected an error";
  } catch (const UnknownNameError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown table 'three'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("one, two"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgd::results

namespace pgd::results {
namespace {

// Unlisted values (smoke and mini sizes) are labelled like the listed ones.
TEST(AxisKeyLabels, UnlistedValuesFollowTheListedPattern) {
  AxisKey sizes{"dataset.image_size", "Resolution", {{"512", "512²"}, {"2048", "2048²"}}};
  EXPECT_EQ(sizes.label_of("512"), "512²");
  EXPECT_EQ(sizes.label_of("64"), "64²");
  AxisKey caps{"memory.cap", "Memory cap", {{"4GB", "4 GB"}, {"16GB", "16 GB"}}};
  EXPECT_EQ(caps.label_of("1GB"), "1 GB");
  EXPECT_EQ(caps.label_of("768MB"), "768 MB");
  AxisKey methods{"method.name", "Method", {{"gd", "GD"}}};
  EXPECT_EQ(methods.label_of("patchgd"), "patchgd");
  EXPECT_EQ(methods.label_of(""), "—");
}

}  // namespace
}  // namespace pgd::results
