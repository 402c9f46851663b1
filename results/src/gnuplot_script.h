#pragma once
// A plot as data (series of points with titles) and the means to turn it into a .dat file, a
// standalone .gp script, and PNG + SVG through gnuplot.
#include <filesystem>
#include <string>
#include <vector>

namespace pgd::results {

struct PlotSeries {
  std::string title;
  // Data lines: numbers as text, "?" for a missing value; a trailing text column may hold an
  // x tick label (then `using` says xtic(n)).
  std::vector<std::vector<std::string>> rows;
  std::string using_clause = "1:2";
  std::string axes = "x1y1";
  std::string style = "linespoints";
};

struct PlotSpec {
  std::filesystem::path dir;  // where <stem>.dat/.gp/.png/.svg go
  std::string stem;
  std::string title, xlabel, ylabel, y2label;
  bool logx = false;
  std::vector<std::string> extra;  // further gnuplot commands (ranges, key position)
  std::vector<PlotSeries> series;

  std::filesystem::path png() const { return dir / (stem + ".png"); }
  std::filesystem::path svg() const { return dir / (stem + ".svg"); }
};

// The gnuplot executable: `name` itself when it holds a '/', else looked up on PATH. Throws
// saying how to install it when it is not there.
std::filesystem::path find_gnuplot(const std::string& name);

// Text of the .dat and .gp files (scripts name their files relative to their own folder).
std::string plot_data_text(const PlotSpec& plot);
std::string plot_script_text(const PlotSpec& plot);

// Writes every plot's .dat and .gp, runs gnuplot once per folder, and checks that each PNG and
// SVG exists. Throws with gnuplot's output when it fails.
void draw_plots(const std::filesystem::path& gnuplot, const std::vector<PlotSpec>& plots);

// A file-name-safe form of a label ("4GB" stays, "a/b c" -> "a_b_c").
std::string file_safe(const std::string& text);

}  // namespace pgd::results
