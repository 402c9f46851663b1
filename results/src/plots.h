#pragma once
// The paper's figures, from the results database (`patchgd plot`): for each plot a .dat file and a
// .gp script (kept, so a figure can be restyled by hand) and the PNG and SVG gnuplot makes.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/store/result_store.h"

namespace pgd::results {

struct PlotOptions {
  std::filesystem::path out_dir;
  // all | curves (learning curves per run) | memory-cap (accuracy vs memory cap per method) |
  // resolution (peak memory and latency vs image side per method)
  std::string which = "all";
  std::string gnuplot = "gnuplot";  // a name looked up on PATH, or a path
};

// Returns the images written (PNG and SVG per plot). A plot without data is skipped: it is not
// an error and nothing of it is returned. Throws when gnuplot is missing (saying how to install
// it), when `which` is unknown, or when gnuplot fails (with its output).
std::vector<std::filesystem::path> render_plots(const store::ResultStore& db,
                                                const PlotOptions& opt);

}  // namespace pgd::results
