// patchgd run [overrides] [-m]: one config (or a multirun grid) as single runs.
#include <iostream>

#include "harness/cli/cli_common.h"
#include "harness/cli/progress_printer.h"
#include "harness/cli/stop_signal.h"
#include "harness/config/compose.h"
#include "harness/config/config_hash.h"
#include "harness/config/multirun.h"
#include "harness/config/yaml_emit.h"
#include "harness/memory/memory_cap.h"
#include "harness/runner/config_validation.h"
#include "harness/runner/provenance.h"
#include "harness/runner/run_executor.h"
#include "harness/store/provenance.h"
#include "harness/store/result_store.h"

namespace pgd::cli {
namespace {

void add_config_options(cxxopts::Options& opts) {
  opts.add_options()("m,multirun",
                     "expand sweep values (a,b / range() / choice()) into several runs")(
      "config-dir", "folder holding config.yaml and the config groups",
      cxxopts::value<std::string>()->default_value(""))("overrides",
                                                        "key=value, +key=value, ~key, group=option",
                                                        cxxopts::value<std::vector<std::string>>());
  opts.parse_positional({"overrides"});
  opts.positional_help("[key=value ...]");
}

std::vector<std::string> positional_overrides(const cxxopts::ParseResult& r) {
  return r.count("overrides") ? r["overrides"].as<std::vector<std::string>>()
                              : std::vector<std::string>{};
}

// One override list per run: the multirun expansion with -m, else the list itself (which then
// must not sweep values).
std::vector<std::vector<std::string>> override_sets(const cxxopts::ParseResult& r,
                                                    const std::vector<std::string>& overrides) {
  if (r.count("multirun")) return config::expand_multirun(overrides);
  config::require_no_sweeps(overrides);
  return {overrides};
}

std::filesystem::path config_dir(const cxxopts::ParseResult& r) {
  const std::string d = r["config-dir"].as<std::string>();
  return d.empty() ? config::default_config_dir() : std::filesystem::path(d);
}

}  // namespace

int cmd_run(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd run",
                          "Train and evaluate one config; results go to the database.");
    add_db_option(opts);
    add_config_options(opts);
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    const auto sets = override_sets(r, positional_overrides(r));
    const auto dir = config_dir(r);
    std::vector<nlohmann::json> configs;
    for (const auto& s : sets) {  // every error before anything is recorded
      configs.push_back(config::compose_config(dir, s));
      runner::validate_config(configs.back());
    }
    store::ResultStore db(db_path(r));
    const auto* stop = install_stop_handlers();
    ProgressPrinter printer;
    int64_t failed = 0;
    for (size_t i = 0; i < configs.size() && !stop->load(); ++i) {
      const auto& cfg = configs[i];
      const std::string hash = config::config_hash(cfg);
      const int64_t id =
          db.start_single_run(cfg, hash, cfg.value("seed", int64_t{0}), store::process_owner(),
                              runner::current_provenance(cfg.value("threads", int64_t{0})));
      printer.on_run_start(static_cast<int64_t>(i), static_cast<int64_t>(configs.size()), sets[i],
                           hash);
      const auto out = runner::execute_run(cfg, {&db, id, &printer, stop, ""});
      printer.on_run_end(static_cast<int64_t>(i), out.status, out.error);
      std::cout << "run " << id << " " << out.status << "  best val accuracy " << out.best_accuracy
                << "  peak memory " << memory::format_bytes(out.peak_bytes) << "  ("
                << db.path().string() << ")" << std::endl;
      if (out.status == "cancelled") return static_cast<int>(kCancelled);
      failed += out.status != "done";
    }
    return failed == 0 ? kOk : runs_failed_exit(failed);
  });
}

int cmd_config(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd config show", "Print the resolved config (YAML) and its hash.");
    add_config_options(opts);
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    std::vector<std::string> args = positional_overrides(r);
    if (args.empty() || args.front() != "show")
      throw UsageError("usage: patchgd config show [key=value ...]");
    args.erase(args.begin());
    const auto sets = override_sets(r, args);
    const auto dir = config_dir(r);
    // Every config is checked as `run` checks it before anything is printed as if valid.
    std::vector<nlohmann::json> configs;
    for (const auto& s : sets) {
      configs.push_back(config::compose_config(dir, s));
      runner::validate_config(configs.back());
    }
    for (size_t i = 0; i < sets.size(); ++i) {
      const auto& s = sets[i];
      const auto& cfg = configs[i];
      if (sets.size() > 1) std::cout << "# overrides: " << join(s, " ") << "\n";
      std::cout << "# config hash: " << config::config_hash(cfg) << "\n" << config::to_yaml(cfg);
      if (sets.size() > 1) std::cout << "---\n";
    }
    return 0;
  });
}

}  // namespace pgd::cli
