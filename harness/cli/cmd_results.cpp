// patchgd tables / patchgd plot / patchgd merge: what is made from the results database.
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/cli/cli_common.h"
#include "harness/store/result_store.h"
#include "results/src/claims.h"
#include "results/src/plots.h"
#include "results/src/tables.h"

namespace pgd::cli {
namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

namespace {

// Prints the tables (Markdown unless a format is given) or, with `out`, writes every format.
int print_or_write_tables(const store::ResultStore& db, results::TableOptions to,
                          const std::string& out) {
  if (out.empty()) {
    const auto names =
        to.table.empty() ? results::table_names(to) : std::vector<std::string>{to.table};
    for (const auto& n : names)
      std::cout << results::render_table(db, n, to.formats.empty() ? "md" : to.formats.front(), to)
                << "\n";
    return 0;
  }
  to.out_dir = out;
  for (const auto& f : results::render_tables(db, to)) std::cout << "wrote " << f.string() << "\n";
  return 0;
}

}  // namespace

int cmd_tables(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd tables",
                          "The paper's tables from the database, beside the published values "
                          "(results/paper_reference.csv). Prints Markdown unless --out is given.");
    add_db_option(opts);
    opts.add_options()("table", "one table (default: all)",
                       cxxopts::value<std::string>()->default_value(""))(
        "format", "md, latex, csv (comma-separated)",
        cxxopts::value<std::string>()->default_value("md"))(
        "scale", "smoke|default|mini|paper (default: the latest per table)",
        cxxopts::value<std::string>()->default_value(""))(
        "out", "write files into this folder", cxxopts::value<std::string>()->default_value(""));
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    store::ResultStore db(db_path(r));
    results::TableOptions to;
    to.table = r["table"].as<std::string>();
    to.formats = split_commas(r["format"].as<std::string>());
    to.scale = r["scale"].as<std::string>();
    try {
      return print_or_write_tables(db, to, r["out"].as<std::string>());
    } catch (const results::UnknownNameError& e) {
      throw UsageError(e.what());  // --table or --format names nothing we have
    }
  });
}

int cmd_claims(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts(
        "patchgd claims",
        "Judge each of the paper's claims (results/claims.yaml) from the database: "
        "reproduced, contradicted or inconclusive, with the 95 % interval it rests on. "
        "Prints Markdown; --out also writes it to a file.");
    add_db_option(opts);
    opts.add_options()("scale", "smoke|default|mini|paper (default: the latest per claim)",
                       cxxopts::value<std::string>()->default_value(""))(
        "claims", "claims file",
        cxxopts::value<std::string>()->default_value(results::default_claims_file().string()))(
        "out", "also write the report to this file",
        cxxopts::value<std::string>()->default_value(""));
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    std::vector<results::ClaimSpec> claims;
    try {
      claims = results::load_claims(r["claims"].as<std::string>());
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());  // a bad claims file is a configuration error
    }
    const std::string path = db_path(r);
    store::ResultStore db(path);
    const std::string md = results::claims_markdown(
        results::evaluate_claims(db, claims, r["scale"].as<std::string>()), path);
    std::cout << md;
    if (const std::string out = r["out"].as<std::string>(); !out.empty()) {
      std::ofstream f(out, std::ios::binary);
      f << md;
      f.close();
      if (!f) throw std::runtime_error("cannot write " + out);
      std::cout << "\nwrote " << out << "\n";
    }
    return 0;
  });
}

int cmd_plot(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd plot",
                          "Learning curves, accuracy vs memory cap, memory and latency vs "
                          "resolution (gnuplot → PNG and SVG).");
    add_db_option(opts);
    opts.add_options()("out", "output folder",
                       cxxopts::value<std::string>()->default_value("results/out/plots"))(
        "which", "all|curves|memory-cap|resolution",
        cxxopts::value<std::string>()->default_value("all"));
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    store::ResultStore db(db_path(r));
    results::PlotOptions po;
    po.out_dir = r["out"].as<std::string>();
    po.which = r["which"].as<std::string>();
    const auto files = results::render_plots(db, po);
    for (const auto& f : files) std::cout << "wrote " << f.string() << "\n";
    if (files.empty())
      std::cout << "no plots: the database has no finished runs with the data they need\n";
    return 0;
  });
}

int cmd_merge(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd merge",
                          "Merge database shards (e.g. one per Slurm task) into --db. "
                          "Idempotent: merging twice adds nothing.");
    add_db_option(opts);
    opts.add_options()("shards", "shard databases", cxxopts::value<std::vector<std::string>>());
    opts.parse_positional({"shards"});
    opts.positional_help("SHARD.db ...");
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    if (!r.count("shards")) throw UsageError("usage: patchgd merge --db OUT.db SHARD.db ...");
    store::ResultStore db(db_path(r));
    int64_t conflicts = 0;
    for (const auto& shard : r["shards"].as<std::vector<std::string>>()) {
      const auto rep = db.merge_from(shard);
      std::cout << shard << ": " << rep.added << " added, " << rep.replaced << " replaced, "
                << rep.skipped << " already present, " << rep.conflicts << " conflicts\n";
      for (const auto& c : rep.conflict_details) std::cout << "  conflict: " << c << "\n";
      conflicts += rep.conflicts;
    }
    return conflicts == 0 ? static_cast<int>(kOk) : static_cast<int>(kOther);
  });
}

}  // namespace pgd::cli
