// patchgd data ultramnist --out DIR --count N [overrides]: PNG previews + manifest.
#include <algorithm>
#include <filesystem>
#include <utility>
#include <variant>
#include <iostream>

#include "datasets/dataset.h"
#include "datasets/synthetic_slides.h"
#include "datasets/ultramnist_preview.h"
#include "harness/cli/cli_common.h"
#include "harness/config/compose.h"
#include "harness/config/config_hash.h"
#include "harness/config/multirun.h"
#include "harness/config/yaml_emit.h"
#include "harness/spec/spec_reader.h"

namespace pgd::cli {

int cmd_data(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts(
        "patchgd data",
        "ultramnist|ultramnist10: write what the model sees (PNG images + manifest.csv).\n"
        "panda-synthetic: write a PANDA-shaped set of synthetic slides (train.csv + pyramidal "
        "TIFFs).");
    opts.add_options()("out", "output folder", cxxopts::value<std::string>())(
        "count", "images to write", cxxopts::value<int64_t>()->default_value("16"))(
        "split", "train|val", cxxopts::value<std::string>()->default_value("train"))(
        "per-grade", "panda-synthetic: slides per ISUP grade",
        cxxopts::value<int64_t>()->default_value("8"))(
        "side", "panda-synthetic: long side of level 0 (above 8192 each tile is rendered on its own, "
        "so slides of 65536 and more are written without holding them in memory)",
        cxxopts::value<int64_t>()->default_value("1024"))(
        "levels", "panda-synthetic: pyramid levels, each half the previous",
        cxxopts::value<int>()->default_value("3"))(
        "args", "DATASET [key=value ...]", cxxopts::value<std::vector<std::string>>());
    opts.parse_positional({"args"});
    opts.positional_help("ultramnist|ultramnist10 [key=value ...]");
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    if (!r.count("args") || !r.count("out"))
      throw UsageError("usage: patchgd data ultramnist --out DIR --count N [key=value ...]");
    auto args = r["args"].as<std::vector<std::string>>();
    const std::string which = args.front();
    if (which == "panda-synthetic") {
      data::SyntheticSlidesOptions so;
      so.slides_per_grade = r["per-grade"].as<int64_t>();
      so.side = r["side"].as<int64_t>();
      so.levels = r["levels"].as<int>();
      if (so.side < 64 || so.side > (int64_t{1} << 20))
        throw UsageError("--side " + std::to_string(so.side) + ": expected 64 to 1048576");
      // side <= 2^20, so a top level of at least 1 px means at most 21 levels (and the shift
      // below stays defined).
      if (so.levels < 1 || so.levels > 21 || (so.side >> (so.levels - 1)) < 1)
        throw UsageError("--levels " + std::to_string(so.levels) +
                         ": expected 1 to 21, and a top level of at least 1 pixel");
      data::write_synthetic_slides(r["out"].as<std::string>(), so);
      std::cout << "synthetic PANDA slides in " << r["out"].as<std::string>() << std::endl;
      return 0;
    }
    const auto& family = data::ultramnist_family_names();
    if (std::find(family.begin(), family.end(), which) == family.end())
      throw UsageError("patchgd data: '" + which +
                       "' has no previews; expected ultramnist, ultramnist10, "
                       "ultramnist-needle or panda-synthetic");
    std::vector<std::string> overrides = {"dataset=" + which};
    overrides.insert(overrides.end(), args.begin() + 1, args.end());
    config::require_no_sweeps(overrides);
    const auto cfg = config::compose_config(config::default_config_dir(), overrides);
    const std::string split = r["split"].as<std::string>();
    if (split != "train" && split != "val")
      throw UsageError("--split '" + split + "': expected train or val");
    const int64_t count = r["count"].as<int64_t>();
    if (count < 1) throw UsageError("--count must be >= 1");
    const config::ConfigView root(cfg);
    const auto dataset = spec::read_dataset_options(root.at("dataset"));
    data::write_ultramnist_previews(std::get<data::UltraMnistOptions>(dataset.source),
                                    split == "train" ? data::Split::Train : data::Split::Val,
                                    static_cast<uint64_t>(root.get_int("seed")),
                                    r["out"].as<std::string>(), count);
    std::cout << "wrote " << count << " images and manifest.csv to " << r["out"].as<std::string>()
              << std::endl;
    return 0;
  });
}

int cmd_check_paper(int argc, char** argv) {
  return guarded([&] {
    cxxopts::Options opts("patchgd check-paper", "Check that the paper-scale sweeps can run here.");
    cxxopts::ParseResult r;
    if (parse_or_help(opts, argc, argv, r)) return 0;
    int missing = 0;
#ifndef PATCHGD_WITH_CUDA
    std::cerr << "check-paper: this build's LibTorch has no CUDA; rebuild with "
                 "CMAKE_FLAGS=-DCMAKE_PREFIX_PATH=$(python3 -c 'import "
                 "torch;print(torch.utils.cmake_prefix_path)')\n";
    ++missing;
#endif
    const auto cfg = config::compose_config(config::default_config_dir(), {"dataset=panda"});
    const auto panda = std::get<data::PandaOptions>(
        spec::read_dataset_options(config::ConfigView(cfg).at("dataset")).source);
    const std::pair<const char*, std::filesystem::path> paths[] = {
        {"csv", panda.csv}, {"slides_dir", panda.slides_dir}};
    for (const auto& [key, path] : paths) {
      const auto p = data::resolve_data_path(path.string());
      if (!std::filesystem::exists(p)) {
        std::cerr << "check-paper: dataset." << key << " = " << p.string()
                  << " does not exist (download PANDA from Kaggle and point dataset." << key
                  << " at it)\n";
        ++missing;
      }
    }
    return missing == 0 ? 0 : kUsage;
  });
}

}  // namespace pgd::cli
