// Figures through gnuplot: PNG and SVG per plot with data, nothing for plots without data.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "results/src/gnuplot_script.h"
#include "results/src/plots.h"
#include "tests/results/results_test_db.h"

namespace pgd::results {
namespace {

bool have_gnuplot() {
  try {
    find_gnuplot("gnuplot");
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

class PlotsTest : public testing::ResultsDbTest {
 protected:
  PlotOptions options(const std::string& which) {
    PlotOptions o;
    o.out_dir = dir() / "plots";
    o.which = which;
    return o;
  }
  void fill() {
    const int64_t s = sweep("ultramnist", "ultramnist", "mini");
    for (const std::string method : {"gd", "patchgd"}) {
      const double base = method == "gd" ? 0.4 : 0.7;
      int i = 0;
      for (const std::string cap : {"768MB", "3GB"}) {
        const int64_t id = run(s, config(method, "resnet18", cap, 256), 42, "done",
                               {{"best_accuracy", base + 0.1 * i++}});
        for (int e = 0; e < 3; ++e) {
          db().add_metric(id, e, "val", "accuracy", base + 0.05 * e);
          db().add_metric(id, e, "train", "loss", 2.0 - 0.5 * e);
        }
      }
    }
    const int64_t m = sweep("memory-scaling", "memory-scaling", "mini");
    for (const std::string method : {"gd", "patchgd"})
      for (int side : {256, 512, 1024})
        run(m, config(method, "mobilenetv2", "none", side), 42, "done", {},
            {{"peak_memory", (method == "gd" ? side * side * 64.0 : 5e7)},
             {"train_latency_ms", side / 10.0},
             {"infer_latency_ms", side / 30.0}});
  }
};

TEST_F(PlotsTest, MissingGnuplotSaysHowToInstallIt) {
  PlotOptions o = options("all");
  o.gnuplot = (dir() / "no-such-gnuplot").string();
  try {
    render_plots(db(), o);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("make deps"), std::string::npos) << e.what();
  }
  o.gnuplot = "no-such-gnuplot-anywhere";
  EXPECT_THROW(render_plots(db(), o), std::runtime_error);
}

TEST_F(PlotsTest, UnknownKindIsAnError) {
  EXPECT_THROW(render_plots(db(), options("histogram")), std::runtime_error);
}

TEST_F(PlotsTest, ScriptsAreStandaloneAndNameTheirFilesRelatively) {
  PlotSpec p;
  p.dir = dir();
  p.stem = "x";
  p.title = "say \"hi\"";
  p.series.push_back({"a_b", {{"1", "2"}, {"2", "?"}}, "1:2", "x1y1", "lines"});
  const std::string gp = plot_script_text(p);
  EXPECT_NE(gp.find("set output \"x.png\""), std::string::npos) << gp;
  EXPECT_NE(gp.find("set output \"x.svg\""), std::string::npos) << gp;
  EXPECT_NE(gp.find("set title \"say \\\"hi\\\"\" noenhanced"), std::string::npos) << gp;
  EXPECT_NE(gp.find("\"x.dat\" index 0 using 1:2 axes x1y1 with lines title \"a_b\" noenhanced"),
            std::string::npos)
      << gp;
  EXPECT_EQ(plot_data_text(p), "# say \"hi\"\n# a_b\n1\t2\n2\t?\n");
  EXPECT_EQ(file_safe("mini_a/b 4GB"), "mini_a_b_4GB");
}

TEST_F(PlotsTest, EmptyDatabaseMakesNoPlots) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (make deps)";
  EXPECT_TRUE(render_plots(db(), options("all")).empty());
}

TEST_F(PlotsTest, EveryKindMakesPngAndSvg) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (make deps)";
  fill();
  const auto files = render_plots(db(), options("all"));
  std::set<std::string> names;
  for (const auto& f : files) {
    ASSERT_TRUE(std::filesystem::exists(f)) << f;
    EXPECT_GT(std::filesystem::file_size(f), 1000u) << f;
    names.insert(f.parent_path().filename().string() + "/" + f.filename().string());
  }
  std::set<std::string> expected;
  for (int id = 1; id <= 4; ++id)
    for (const char* ext : {".png", ".svg"})
      expected.insert("curves/run-" + std::to_string(id) + ext);
  for (const char* ext : {".png", ".svg"}) {
    expected.insert(std::string("memory-cap/mini_ultramnist10_256_resnet18") + ext);
    expected.insert(std::string("resolution/mini_ultramnist10_mobilenetv2_none-memory") + ext);
    expected.insert(std::string("resolution/mini_ultramnist10_mobilenetv2_none-latency") + ext);
  }
  EXPECT_EQ(names, expected);
  // PNG magic, and an SVG document.
  std::ifstream png(dir() / "plots/curves/run-1.png", std::ios::binary);
  char magic[4] = {};
  png.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  std::ifstream svg(dir() / "plots/memory-cap/mini_ultramnist10_256_resnet18.svg");
  std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("<svg"), std::string::npos);
  // The data behind the accuracy-vs-cap figure: cap in GiB, accuracy in %, the cap's label.
  std::ifstream dat(dir() / "plots/memory-cap/mini_ultramnist10_256_resnet18.dat");
  std::string data((std::istreambuf_iterator<char>(dat)), std::istreambuf_iterator<char>());
  EXPECT_NE(data.find("# patchgd\n0.75\t70\t768MB\n3\t80\t3GB\n"), std::string::npos) << data;
}

TEST_F(PlotsTest, OnlyTheRequestedKind) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed (make deps)";
  fill();
  const auto files = render_plots(db(), options("curves"));
  EXPECT_EQ(files.size(), 8u);
  for (const auto& f : files) EXPECT_EQ(f.parent_path().filename(), "curves") << f;
}

}  // namespace
}  // namespace pgd::results
