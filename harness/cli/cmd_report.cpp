// patchgd report: the results database as one static HTML page (results/src/report.h).
#include <filesystem>
#include <iostream>

#include "harness/cli/cli_common.h"
#include "harness/store/result_store.h"
#include "results/src/report.h"
#include "results/src/unknown_name_error.h"

namespace pgd::cli {
namespace {

// A report of a database that is not there would be an empty page over a new, empty file:
// refuse, naming the path, instead of creating it as the writing commands do.
std::string existing_db(const cxxopts::ParseResult& r) {
  const std::string path = r["db"].as<std::string>();
  if (!std::filesystem::is_regular_file(path))
    throw UsageError("--db '" + path + "': no such database (run a sweep first, or name one)");
  return path;
}

std::vector<results::ClaimSpec> claims_from(const std::string& file) {
  try {
    return results::load_claims(file);
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("--claims: ") + e.what());  // a configuration error
  }
}

}  // namespace

int cmd_report(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts(
        "patchgd report",
        "One static HTML page of the database: claims with verdicts, the paper's tables, figures "
        "(accuracy vs memory cap, memory and latency vs image side, learning curves per cell), "
        "the runs list and a section per run (config, provenance, error, curves). "
        "Self-contained: open OUT/index.html from disk, no server or network.");
    add_db_option(opts);
    opts.add_options()("scale",
                       "smoke|default|mini|paper (default: every run; tables and claims "
                       "at their newest scale)",
                       cxxopts::value<std::string>()->default_value(""))(
        "out", "output folder (index.html is written there)",
        cxxopts::value<std::string>()->default_value("results/out/report"))(
        "claims", "claims file",
        cxxopts::value<std::string>()->default_value(results::default_claims_file().string()));
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    if (!r.unmatched().empty())
      throw UsageError("unexpected argument '" + r.unmatched().front() +
                       "' (usage: patchgd report [--db FILE] [--scale S] [--out DIR])");
    const std::string out = r["out"].as<std::string>();
    if (out.empty()) throw UsageError("--out: give a folder for index.html");
    results::ReportOptions ro;
    ro.out_dir = out;
    ro.scale = r["scale"].as<std::string>();
    ro.db_label = std::filesystem::absolute(existing_db(r)).lexically_normal().string();
    ro.claims = claims_from(r["claims"].as<std::string>());
    store::ResultStore db(ro.db_label);
    std::filesystem::path page;
    try {
      page = results::write_report(db, ro);
    } catch (const results::UnknownNameError& e) {
      throw UsageError(std::string("--scale: ") + e.what());  // the only name the report takes
    }
    std::cout << "report: " << page.string() << "\n";
    return 0;
  });
}

}  // namespace pgd::cli
