// patchgd: run GD and PatchGD experiments, sweeps and benchmarks; query and tabulate results.
#include <iostream>
#include <map>
#include <string>

#include "harness/cli/cli_common.h"

namespace {

const std::map<std::string, std::pair<pgd::cli::Command, const char*>>& commands() {
  using namespace pgd::cli;
  static const std::map<std::string, std::pair<Command, const char*>> table = {
      {"run", {cmd_run, "run one config: patchgd run [key=value ...] [-m]"}},
      {"sweep",
       {cmd_sweep,
        "run a sweep file: patchgd sweep FILE.yaml [scale=smoke|default|mini|paper] [key=value "
        "...] [--resume]"}},
      {"config", {cmd_config, "show the resolved config: patchgd config show [key=value ...]"}},
      {"runs",
       {cmd_runs,
        "list runs: patchgd runs list [--sweep NAME] [--status S]; a Slurm job's unfinished cells: "
        "patchgd runs unfinished JOB_DIR"}},
      {"query", {cmd_query, "SQL on the results: patchgd query \"SELECT ...\""}},
      {"tables",
       {cmd_tables,
        "regenerate the paper's tables: patchgd tables [--table NAME] [--format md,latex,csv] "
        "[--out DIR]"}},
      {"claims",
       {cmd_claims,
        "judge the paper's claims from the database: patchgd claims [--scale S] [--out FILE.md]"}},
      {"report",
       {cmd_report, "one HTML page of the database: patchgd report [--scale S] [--out DIR]"}},
      {"plot",
       {cmd_plot,
        "plots with gnuplot: patchgd plot [--out DIR] [--which all|curves|memory-cap|resolution]"}},
      {"models",
       {cmd_models, "backbone summaries: patchgd models [--backbone NAME] [--image-size S]"}},
      {"data",
       {cmd_data,
        "write dataset previews: patchgd data ultramnist --out DIR --count N [key=value ...]"}},
      {"merge", {cmd_merge, "merge database shards: patchgd merge --db OUT SHARD..."}},
      {"bench-load",
       {cmd_bench_load, "load Google Benchmark JSON into the database: patchgd bench-load FILE"}},
      {"check-paper", {cmd_check_paper, "check what reproduce-paper needs (CUDA, data paths)"}},
  };
  return table;
}

int usage(std::ostream& os) {
  os << "usage: patchgd COMMAND [options]   (patchgd COMMAND --help for each)\n\ncommands:\n";
  for (const auto& [name, entry] : commands())
    os << "  " << name << std::string(13 - name.size(), ' ') << entry.second << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(std::cerr);
  const std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    usage(std::cout);
    return 0;
  }
  const auto it = commands().find(cmd);
  if (it == commands().end()) {
    std::cerr << "patchgd: unknown command '" << cmd << "'\n";
    return usage(std::cerr);
  }
  // Subcommands parse argv[1..]: their own name stands where the program name would.
  return it->second.first(argc - 1, argv + 1);
}
