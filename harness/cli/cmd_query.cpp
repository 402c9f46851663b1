// patchgd runs list|unfinished / patchgd query "SQL": read the results database.
#include <algorithm>
#include <iostream>

#include "harness/cli/cli_common.h"
#include "harness/runner/slurm_script.h"
#include "harness/store/result_store.h"

namespace pgd::cli {
namespace {

// Prints a query result as aligned columns (or tab-separated with --tsv, for scripts).
void print_table(const store::QueryResult& q, bool tsv) {
  auto cell = [](const std::optional<std::string>& v) { return v ? *v : std::string("NULL"); };
  if (tsv) {
    std::cout << join(q.columns, "\t") << "\n";
    for (const auto& row : q.rows) {
      for (size_t i = 0; i < row.size(); ++i) std::cout << (i ? "\t" : "") << cell(row[i]);
      std::cout << "\n";
    }
    return;
  }
  std::vector<size_t> w(q.columns.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = q.columns[i].size();
  for (const auto& row : q.rows)
    for (size_t i = 0; i < row.size(); ++i)
      w[i] = std::max(w[i], std::min<size_t>(cell(row[i]).size(), 60));
  auto line = [&](const std::vector<std::string>& vals) {
    for (size_t i = 0; i < vals.size(); ++i) {
      std::string v = vals[i].size() > 60 ? vals[i].substr(0, 57) + "..." : vals[i];
      std::cout << (i ? "  " : "") << v << std::string(w[i] - std::min(w[i], v.size()), ' ');
    }
    std::cout << "\n";
  };
  line(q.columns);
  std::vector<std::string> rule;
  for (size_t x : w) rule.push_back(std::string(x, '-'));
  line(rule);
  for (const auto& row : q.rows) {
    std::vector<std::string> vals;
    for (const auto& v : row) vals.push_back(cell(v));
    line(vals);
  }
  std::cout << "(" << q.rows.size() << " rows)" << std::endl;
}

}  // namespace

// patchgd runs unfinished JOB_DIR: the cells of an emitted Slurm job not yet done or oom.
int print_unfinished(const std::string& job_dir, bool quiet) {
  runner::UnfinishedCells u;
  try {
    u = runner::unfinished_cells(job_dir);
  } catch (const store::StoreError&) {
    throw;  // a shard that is not a results database: exit 3, as for any database problem
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());  // no job there, or a damaged job.json: the argument is at fault
  }
  const std::string list = runner::array_list(u.unfinished);
  if (quiet) {
    std::cout << list << std::endl;
    return 0;
  }
  std::cout << u.unfinished.size() << " of " << u.cells << " cells unfinished"
            << (list.empty() ? "" : ": " + list) << std::endl;
  if (!u.unfinished.empty())
    std::cout << "resubmit: sbatch --array=" << list << " " << u.script.string() << std::endl;
  return 0;
}

int cmd_runs(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts(
        "patchgd runs",
        "patchgd runs list: runs with their status and key settings.\n"
        "patchgd runs unfinished JOB_DIR: the cells of a Slurm job (from sweep "
        "--emit-slurm) without a done/oom run in their shard, as sbatch --array=.");
    add_db_option(opts);
    opts.add_options()("sweep", "only this sweep (name)",
                       cxxopts::value<std::string>()->default_value(""))(
        "status", "only this status", cxxopts::value<std::string>()->default_value(""))(
        "tsv", "tab-separated output")("quiet", "unfinished: print only the --array list")(
        "action", "list | unfinished JOB_DIR", cxxopts::value<std::vector<std::string>>());
    opts.parse_positional({"action"});
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    const auto action =
        r.count("action") ? r["action"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (action.size() == 2 && action[0] == "unfinished")
      return print_unfinished(action[1], r.count("quiet") > 0);
    if (action != std::vector<std::string>{"list"})
      throw UsageError(
          "usage: patchgd runs list [--sweep NAME] [--status S] [--db PATH]\n"
          "       patchgd runs unfinished JOB_DIR [--quiet]");
    store::ResultStore db(db_path(r));
    const auto q = db.run_listing(r["sweep"].as<std::string>(), r["status"].as<std::string>());
    print_table(q, r.count("tsv") > 0);
    return 0;
  });
}

int cmd_query(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd query",
                          "Run read-only SQL on the results database (see results/README.md); "
                          "a statement that would write is refused (exit 2).");
    add_db_option(opts);
    opts.add_options()("tsv", "tab-separated output")("sql", "the statement",
                                                      cxxopts::value<std::vector<std::string>>());
    opts.parse_positional({"sql"});
    opts.positional_help("\"SELECT ...\"");
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    if (!r.count("sql")) throw UsageError("usage: patchgd query \"SQL\" [--db PATH]");
    store::ResultStore db(db_path(r));
    try {
      print_table(db.read_query(join(r["sql"].as<std::vector<std::string>>(), " ")),
                  r.count("tsv") > 0);
    } catch (const store::WriteRefused& e) {
      throw UsageError(e.what());  // the SQL asked for something query does not do
    }
    return 0;
  });
}

}  // namespace pgd::cli
