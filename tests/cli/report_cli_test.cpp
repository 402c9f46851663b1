// patchgd report on the real binary: a real toy run becomes a page with its section; every bad
// option is a usage error (exit 2) that names the option and writes nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/cli/cli_test_util.h"

namespace pgd::cli_test {
namespace {
namespace fs = std::filesystem;

std::string slurp(const fs::path& file) {
  std::stringstream ss;
  ss << std::ifstream(file).rdbuf();
  return ss.str();
}

TEST(ReportCli, AToyRunBecomesAPageWithItsSection) {
  const auto d = fresh_dir("report");
  const fs::path sweep = d / "one.yaml";
  std::ofstream(sweep) << "name: one\ntable: needle\noverrides: [dataset=synthetic, "
                          "dataset.image_size=64, dataset.train_size=4, dataset.val_size=2, "
                          "backbone=mobilenetv2-0.25, train.batch_size=2, train.epochs=2, "
                          "head.channels=16, head.latent_dim=16, threads=1, "
                          "measure.latency=false, method=gd]\n";
  const fs::path db = d / "r.db";
  ASSERT_EQ(patchgd("sweep " + sweep.string() + " --db " + db.string()).code, 0);
  const fs::path out = d / "report";
  const auto r = patchgd("report --db " + db.string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "report: " + (out / "index.html").string() + "\n");
  const std::string page = slurp(out / "index.html");
  EXPECT_NE(page.find("<section id=\"run-1\" class=\"run\">"), std::string::npos);
  EXPECT_NE(page.find("href=\"#run-1\""), std::string::npos);
  EXPECT_NE(page.find(fs::absolute(db).lexically_normal().string()), std::string::npos);
  EXPECT_NE(page.find("id=\"table-needle\""), std::string::npos);
  EXPECT_NE(page.find("id=\"claim-no-cap-accuracy\""), std::string::npos);
  fs::remove_all(d);
}

TEST(ReportCli, BadOptionsAreUsageErrorsNamingTheOption) {
  const auto d = fresh_dir("report_usage");
  const fs::path db = d / "r.db";
  ASSERT_EQ(patchgd("query --db " + db.string() + " \"SELECT 1\"").code, 0);  // an empty database
  const fs::path out = d / "report";
  auto expect_usage = [&](const std::string& args, const std::string& named) {
    const auto r = patchgd("report " + args + " --out " + out.string());
    EXPECT_EQ(r.code, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find(named), std::string::npos) << args << "\n" << r.out;
    EXPECT_FALSE(fs::exists(out)) << args;
  };
  expect_usage("--db " + (d / "missing.db").string(), "--db '" + (d / "missing.db").string());
  expect_usage("--db " + db.string() + " --scale huge",
               "--scale: unknown scale 'huge'; valid scales: default, mini, paper, smoke");
  expect_usage("--db " + db.string() + " --claims " + (d / "none.yaml").string(), "--claims");
  expect_usage("--db " + db.string() + " --colour red", "colour");
  expect_usage("--db " + db.string() + " extra", "unexpected argument 'extra'");
  EXPECT_FALSE(fs::exists(d / "missing.db")) << "a missing database is not created";
  const auto ok = patchgd("report --db " + db.string() + " --scale smoke --out " + out.string());
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_TRUE(fs::exists(out / "index.html"));
  fs::remove_all(d);
}

}  // namespace
}  // namespace pgd::cli_test
