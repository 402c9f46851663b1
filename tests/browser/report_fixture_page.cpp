// report_fixture_page DB [OUT_DIR]: fills DB (a new file) with the report fixture
// (tests/support/report_fixture.h); with OUT_DIR, also writes the report there, as
// `patchgd report --db DB --out OUT_DIR` would. The browser test uses it where the `patchgd`
// binary (which links LibTorch) has not been built; screenshots of the docs come from it too.
// Environment: REPORT_FIXTURE_SEEDS, REPORT_FIXTURE_EPOCHS (default 3 and 15),
// REPORT_FIXTURE_PLAIN=1 to leave out the markup planted to test escaping.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "results/src/report.h"
#include "tests/support/report_fixture.h"

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: report_fixture_page DB [OUT_DIR]\n";
    return 2;
  }
  try {
    if (std::filesystem::exists(argv[1])) {
      std::cerr << "report_fixture_page: " << argv[1] << " exists; give a new file\n";
      return 2;
    }
    pgd::store::ResultStore db(argv[1]);
    pgd::testing::ReportFixtureOptions o;
    o.seeds = env_int("REPORT_FIXTURE_SEEDS", 3);
    o.epochs = env_int("REPORT_FIXTURE_EPOCHS", 15);
    o.hostile_text = env_int("REPORT_FIXTURE_PLAIN", 0) == 0;
    const auto fixture = pgd::testing::build_report_fixture(db, o);
    std::cout << "fixture: " << fixture.runs.size() << " runs in " << argv[1] << "\n";
    if (argc == 3) {
      pgd::results::ReportOptions r;
      r.out_dir = argv[2];
      r.db_label = argv[1];
      r.claims = pgd::results::load_claims(pgd::results::default_claims_file());
      std::cout << "report: " << pgd::results::write_report(db, r).string() << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "report_fixture_page: " << e.what() << "\n";
    return 1;
  }
}
