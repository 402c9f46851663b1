#pragma once
// Shared plumbing of the `patchgd` subcommands: option parsing, the database path,
// override handling and the mapping of errors to exit codes.
#include <functional>
#include <string>
#include <vector>

// cxxopts splits vector arguments on commas by default, which would cut `method=gd,patchgd`,
// `[a,b]` and SQL apart: every positional argument must reach us whole.
#define CXXOPTS_VECTOR_DELIMITER '\0'
#include <cxxopts.hpp>

namespace pgd::cli {

// Exit codes: 0 ok; 2 bad usage or configuration; 3 results database problem; 4 data problem;
// 5 other error; 100 + N: N runs failed (N at most 125); 130 cancelled by SIGINT/SIGTERM.
enum Exit : int {
  kOk = 0,
  kUsage = 2,
  kStore = 3,
  kData = 4,
  kOther = 5,
  kRunsFailedBase = 100,
  kCancelled = 130
};
inline int runs_failed_exit(int64_t failed) {
  return kRunsFailedBase + static_cast<int>(failed > 125 ? 125 : failed);
}

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Command = std::function<int(int argc, char** argv)>;

// Parses argv with `opts`; prints help and returns true when --help was given.
bool parse_or_help(cxxopts::Options& opts, int argc, char** argv, cxxopts::ParseResult& out);

void add_db_option(cxxopts::Options& opts);
std::string db_path(const cxxopts::ParseResult& r);  // creates its folder

// Runs a subcommand body, turning exceptions into a message on stderr and an exit code.
int guarded(const std::function<int()>& body);

std::string join(const std::vector<std::string>& words, const std::string& sep);

int cmd_run(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_config(int argc, char** argv);
int cmd_runs(int argc, char** argv);
int cmd_query(int argc, char** argv);
int cmd_tables(int argc, char** argv);
int cmd_plot(int argc, char** argv);
int cmd_claims(int argc, char** argv);
int cmd_report(int argc, char** argv);
int cmd_models(int argc, char** argv);
int cmd_data(int argc, char** argv);
int cmd_merge(int argc, char** argv);
int cmd_bench_load(int argc, char** argv);
int cmd_check_paper(int argc, char** argv);

}  // namespace pgd::cli
