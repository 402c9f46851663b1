#include "datasets/panda_dataset.h"

#include <torch/torch.h>

#include <stdexcept>
#include <system_error>

#include "datasets/panda_cache.h"
#include "datasets/panda_table.h"
#include "datasets/rgb_normalizer.h"
#include "datasets/slide_window_reader.h"

namespace pgd::data {
namespace {

std::string where(const PandaOptions& o, const PandaRow& r) {
  return "image_id '" + r.image_id + "', " + o.csv.string() + ":" + std::to_string(r.line);
}

}  // namespace

PandaDataset::PandaDataset(PandaOptions options, Split split) : options_(std::move(options)) {
  std::vector<PandaRow> all = read_panda_csv(options_.csv);
  // Folds come from every row, before any slide is looked at, so a missing or skipped slide
  // never moves another slide to a different fold.
  std::vector<int64_t> grades;
  grades.reserve(all.size());
  for (const auto& r : all) grades.push_back(r.isup_grade);
  const std::vector<int64_t> fold_of =
      stratified_folds(grades, kPandaNumGrades, options_.folds, options_.split_seed);

  for (size_t k = 0; k < all.size(); ++k) {
    if (options_.limit > 0 && static_cast<int64_t>(rows_.size()) >= options_.limit) break;
    const bool in_val = fold_of[k] == options_.fold;
    if (in_val != (split == Split::Val)) continue;
    PandaRow& r = all[k];
    const std::filesystem::path slide = options_.slides_dir / (r.image_id + ".tiff");
    // A cached image stands in for its slide: a cache can be copied to where the slides are not.
    if (!options_.stream && !options_.cache_dir.empty() &&
        panda_cache_present(
            panda_cache_path(options_.cache_dir, r.image_id, options_.level, options_.image_size),
            options_.image_size)) {
      rows_.push_back(std::move(r));
      continue;
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(slide, ec)) {
      const std::string reason =
          "PANDA slide " + slide.string() + " is missing (" + where(options_, r) + ")";
      if (!options_.skip_bad) throw DataError(reason);
      bad_.push_back({r.image_id, slide, reason});
      continue;
    }
    if (options_.skip_bad) {
      try {
        const auto levels = read_slide_levels(slide);
        if (options_.stream)
          choose_stream_level(levels, options_.level, options_.image_size, slide);
        else
          choose_panda_level(levels, options_.level, options_.image_size, slide);
      } catch (const DataError& e) {
        bad_.push_back(
            {r.image_id, slide, std::string(e.what()) + " (" + where(options_, r) + ")"});
        continue;
      }
    }
    rows_.push_back(std::move(r));
  }
}

const PandaRow& PandaDataset::row(size_t i) const {
  if (i >= rows_.size())
    throw std::out_of_range("PandaDataset: index " + std::to_string(i) + " >= size " +
                            std::to_string(rows_.size()));
  return rows_[i];
}

int64_t PandaDataset::label(size_t i) const { return row(i).isup_grade; }

std::string PandaDataset::sample_id(size_t i) const { return row(i).image_id; }

std::filesystem::path PandaDataset::slide_path(size_t i) const {
  return options_.slides_dir / (row(i).image_id + ".tiff");
}

std::filesystem::path PandaDataset::cache_path(size_t i) const {
  if (options_.cache_dir.empty() || options_.stream) return {};
  return panda_cache_path(options_.cache_dir, row(i).image_id, options_.level, options_.image_size);
}

PandaImage PandaDataset::image_rgb(size_t i) const {
  const std::filesystem::path cache = cache_path(i);
  if (!cache.empty())
    if (auto hit = read_panda_cache(cache, options_.image_size)) return std::move(*hit);
  PandaImage img;
  try {
    img = preprocess_panda_slide(slide_path(i), options_.level, options_.image_size);
  } catch (const DataError& e) {
    throw DataError(std::string(e.what()) + " (" + where(options_, rows_[i]) + ")");
  }
  if (!cache.empty()) write_panda_cache(cache, img);
  return img;
}

std::optional<SlideWindow> PandaDataset::slide_window(size_t i) const {
  if (!options_.stream) return std::nullopt;
  const std::filesystem::path slide = slide_path(i);
  try {
    return SlideWindow{slide, choose_stream_level(read_slide_levels(slide), options_.level,
                                                  options_.image_size, slide)};
  } catch (const DataError& e) {
    throw DataError(std::string(e.what()) + " (" + where(options_, rows_[i]) + ")");
  }
}

torch::Tensor PandaDataset::image(size_t i) const {
  static const RgbNormalizer normalizer(kPandaMean, kPandaStd);
  if (options_.stream) {
    const SlideWindow window = *slide_window(i);
    try {
      return read_slide_window(window, options_.image_size, normalizer);
    } catch (const DataError& e) {
      throw DataError(std::string(e.what()) + " (" + where(options_, rows_[i]) + ")");
    }
  }
  const PandaImage img = image_rgb(i);
  const int64_t s = img.size;
  torch::Tensor out = torch::empty({3, s, s}, torch::kFloat32);
  normalizer.to_planes(img.rgb.data(), s * s, out.data_ptr<float>(), s * s);
  return out;
}

std::unique_ptr<Dataset> make_panda_dataset(PandaOptions o, Split split, uint64_t /*seed*/) {
  o.csv = resolve_data_path(o.csv.string());
  o.slides_dir = resolve_data_path(o.slides_dir.string());
  if (!o.cache_dir.empty()) o.cache_dir = resolve_data_path(o.cache_dir.string());
  return std::make_unique<PandaDataset>(std::move(o), split);
}

}  // namespace pgd::data
