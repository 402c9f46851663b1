// patchgd sweep FILE.yaml [scale=...] [overrides] [--resume]: run every cell of a sweep.
#include <iostream>

#include "harness/cli/cli_common.h"
#include "harness/cli/progress_printer.h"
#include "harness/cli/stop_signal.h"
#include "harness/runner/sweep_runner.h"
#include "harness/store/result_store.h"

namespace pgd::cli {

int cmd_sweep(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd sweep",
                          "Run a sweep file's cells (experiments/sweeps/*.yaml). `scale=smoke|mini|paper` picks the "
                          "size (default smoke); other key=value overrides apply to every cell.");
    add_db_option(opts);
    opts.add_options()("resume", "also re-run failed, cancelled and abandoned runs; done/oom runs are never repeated")(
        "max-runs", "stop after this many runs", cxxopts::value<int64_t>()->default_value("0"))(
        "config-dir", "folder holding config.yaml and the groups", cxxopts::value<std::string>()->default_value(""))(
        "args", "FILE.yaml [scale=...] [key=value ...]", cxxopts::value<std::vector<std::string>>());
    opts.parse_positional({"args"});
    opts.positional_help("FILE.yaml [scale=smoke|mini|paper] [key=value ...]");
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    if (!r.count("args")) throw UsageError("patchgd sweep needs a sweep file\n" + opts.help());
    auto args = r["args"].as<std::vector<std::string>>();
    runner::SweepOptions so;
    so.file = args.front();
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].rfind("scale=", 0) == 0) so.scale = args[i].substr(6);
      else so.overrides.push_back(args[i]);
    }
    so.resume = r.count("resume") > 0;
    so.max_runs = r["max-runs"].as<int64_t>();
    so.config_dir = r["config-dir"].as<std::string>();
    store::ResultStore db(db_path(r));
    const auto* stop = install_stop_handlers();
    ProgressPrinter printer;
    const auto rep = runner::run_sweep(db, so, &printer, stop);
    std::cout << "sweep " << so.file.string() << " (scale " << so.scale << "): " << rep.cells << " cells; ran "
              << rep.ran << ": " << rep.done << " done, " << rep.oom << " oom, " << rep.failed << " failed, "
              << rep.cancelled << " cancelled  (" << db.path().string() << ")" << std::endl;
    for (const auto& f : rep.failures) std::cout << "  failed " << f << std::endl;
    if (rep.cancelled > 0) return 130;
    return rep.failed == 0 ? 0 : static_cast<int>(std::min<int64_t>(rep.failed, 100));
  });
}

}  // namespace pgd::cli
