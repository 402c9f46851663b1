// patchgd bench-load FILE.json: Google Benchmark output into the database, as one run of
// kind "bench" with the same provenance columns as training runs.
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "harness/cli/cli_common.h"
#include "harness/config/compose.h"
#include "harness/config/config_hash.h"
#include "harness/config/multirun.h"
#include "harness/config/yaml_emit.h"
#include "harness/runner/provenance.h"
#include "harness/store/provenance.h"
#include "harness/store/result_store.h"

namespace pgd::cli {
namespace {

// Numeric fields of a benchmark entry that are results rather than bookkeeping.
bool is_result_field(const std::string& k) {
  static const std::vector<std::string> skip = {"family_index", "per_family_instance_index",
                                                "repetitions",  "repetition_index",
                                                "threads",      "iterations"};
  return std::find(skip.begin(), skip.end(), k) == skip.end();
}

std::string unit_of(const std::string& field, const nlohmann::json& b) {
  if (field == "real_time" || field == "cpu_time") return b.value("time_unit", "ns");
  if (field == "items_per_second") return "items/s";
  if (field == "bytes_per_second") return "bytes/s";
  if (field.find("bytes") != std::string::npos) return "bytes";
  return "";
}

}  // namespace

int cmd_bench_load(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd bench-load",
                          "Load Google Benchmark JSON into the results database.");
    add_db_option(opts);
    opts.add_options()("file", "benchmark JSON", cxxopts::value<std::string>());
    opts.parse_positional({"file"});
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    if (!r.count("file")) throw UsageError("usage: patchgd bench-load FILE.json [--db PATH]");
    const std::string file = r["file"].as<std::string>();
    std::ifstream in(file);
    if (!in) throw UsageError("bench-load: cannot read '" + file + "'");
    const auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array())
      throw UsageError("bench-load: '" + file +
                       "' is not Google Benchmark JSON (no 'benchmarks' array)");
    nlohmann::json cfg = {{"kind", "bench"},
                          {"context", doc.value("context", nlohmann::json::object())},
                          {"file", file}};
    store::ResultStore db(db_path(r));
    const int64_t id = db.start_single_run(cfg, config::config_hash(cfg), 0, store::process_owner(),
                                           runner::current_provenance(0));
    int64_t n = 0;
    for (const auto& b : doc["benchmarks"]) {
      if (b.value("run_type", "iteration") == "aggregate" &&
          b.value("aggregate_name", "") != "median")
        continue;
      const std::string name = b.value("name", "?");
      for (const auto& [k, v] : b.items())
        if (v.is_number() && is_result_field(k)) {
          db.add_measurement(id, name + "/" + k, v.get<double>(), unit_of(k, b));
          ++n;
        }
    }
    db.finish_run(id, "done");
    std::cout << "loaded " << doc["benchmarks"].size() << " benchmarks (" << n << " values) as run "
              << id << " into " << db.path().string() << std::endl;
    return 0;
  });
}

}  // namespace pgd::cli
