#include "datasets/ultramnist_preview.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "datasets/png_writer.h"
#include "datasets/ultramnist_dataset.h"

namespace pgd::data {
namespace fs = std::filesystem;
namespace {

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string scale_text(int64_t side) {
  if (side % 28 == 0) return std::to_string(side / 28);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(side) / 28.0);
  return buf;
}

}  // namespace

std::string ultramnist_manifest_row(const std::string& file, Split split, uint64_t index,
                                    const UltraMnistSample& sample,
                                    const UltraMnistParams& params) {
  const double k = static_cast<double>(params.image_size) / static_cast<double>(params.canvas_size);
  std::ostringstream digits, scales, boxes, canvas_boxes;
  for (size_t n = 0; n < sample.digits.size(); ++n) {
    const DigitPlacement& p = sample.digits[n];
    const char* sep = n ? ";" : "";
    digits << sep << p.digit;
    scales << sep << scale_text(p.side);
    boxes << sep << fixed1(p.x * k) << ' ' << fixed1(p.y * k) << ' ' << fixed1((p.x + p.side) * k)
          << ' ' << fixed1((p.y + p.side) * k);
    canvas_boxes << sep << p.x << ' ' << p.y << ' ' << (p.x + p.side) << ' ' << (p.y + p.side);
  }
  std::ostringstream row;
  row << file << ',' << split_name(split) << ',' << index << ',' << sample.label << ','
      << digits.str() << ',' << scales.str() << ',' << boxes.str() << ',' << canvas_boxes.str();
  return row.str();
}

void write_ultramnist_previews(const config::ConfigView& dataset_cfg, Split split, uint64_t seed,
                               const fs::path& out_dir, int64_t count) {
  dataset_cfg.get_choice("name", ultramnist_family_names());
  if (count < 0)
    throw config::ConfigError("preview count " + std::to_string(count) + " is negative");
  auto dataset = make_ultramnist_dataset(dataset_cfg, split, seed);
  const UltraMnistGenerator& gen = dataset->generator();
  const int64_t s = gen.params().image_size;

  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec)
    throw DataError("previews: cannot create folder '" + out_dir.string() + "': " + ec.message());
  const fs::path manifest_path = out_dir / "manifest.csv";
  std::ofstream manifest(manifest_path, std::ios::trunc);
  if (!manifest) throw DataError("previews: cannot write '" + manifest_path.string() + "'");
  manifest << "file,split,index,label,digits,scales,boxes,canvas_boxes\n";

  std::vector<uint8_t> pixels(static_cast<size_t>(s * s));  // S×S gray
  for (int64_t i = 0; i < count; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "%s_%06lld.png", split_name(split), static_cast<long long>(i));
    UltraMnistSample sample = gen.generate(split, static_cast<uint64_t>(i), pixels.data());
    write_png(out_dir / name, pixels.data(), s, s, 1);
    manifest << ultramnist_manifest_row(name, split, static_cast<uint64_t>(i), sample, gen.params())
             << '\n';
  }
  manifest.flush();
  if (!manifest) throw DataError("previews: write to '" + manifest_path.string() + "' failed");
}

}  // namespace pgd::data
