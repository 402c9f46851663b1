#include "datasets/synthetic_slides.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/pyramid_tiff_writer.h"

namespace pgd::data {
namespace fs = std::filesystem;
namespace {

struct Canvas {
  int64_t h, w;
  std::vector<uint8_t> rgb;
  Canvas(int64_t h_, int64_t w_) : h(h_), w(w_), rgb(static_cast<size_t>(h_ * w_ * 3), 255) {}
  void disc(double cy, double cx, double r, const uint8_t (&c)[3], double alpha) {
    const int64_t y0 = std::max<int64_t>(0, static_cast<int64_t>(cy - r)),
                  y1 = std::min<int64_t>(h - 1, static_cast<int64_t>(cy + r));
    const int64_t x0 = std::max<int64_t>(0, static_cast<int64_t>(cx - r)),
                  x1 = std::min<int64_t>(w - 1, static_cast<int64_t>(cx + r));
    for (int64_t y = y0; y <= y1; ++y)
      for (int64_t x = x0; x <= x1; ++x) {
        const double dy = static_cast<double>(y) - cy, dx = static_cast<double>(x) - cx;
        if (dy * dy + dx * dx > r * r) continue;
        uint8_t* p = &rgb[static_cast<size_t>((y * w + x) * 3)];
        for (int k = 0; k < 3; ++k) p[k] = static_cast<uint8_t>(alpha * c[k] + (1 - alpha) * p[k]);
      }
  }
};

// Tissue: overlapping pink discs; grade g adds 3 + 5g dark purple spots inside the tissue.
Canvas make_slide(int64_t grade, int64_t side, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int64_t w = side,
                h = std::max<int64_t>(64, static_cast<int64_t>(side * (0.6 + 0.4 * u(rng))));
  Canvas c(h, w);
  const uint8_t tissue[3] = {230, 170, 200}, gland[3] = {90, 40, 120};
  std::vector<std::pair<double, double>> centres;
  for (int i = 0; i < 6; ++i) {
    const double cy = h * (0.25 + 0.5 * u(rng)), cx = w * (0.2 + 0.6 * u(rng));
    centres.emplace_back(cy, cx);
    c.disc(cy, cx, std::min(h, w) * (0.15 + 0.1 * u(rng)), tissue, 0.9);
  }
  const int spots = static_cast<int>(3 + 5 * grade);
  for (int i = 0; i < spots; ++i) {
    const auto& [cy, cx] = centres[static_cast<size_t>(i) % centres.size()];
    const double r = std::min(h, w) * 0.12;
    c.disc(cy + r * (2 * u(rng) - 1), cx + r * (2 * u(rng) - 1),
           std::min(h, w) * (0.015 + 0.01 * u(rng)), gland, 0.85);
  }
  return c;
}

std::string stamp_of(const SyntheticSlidesOptions& o) {
  std::ostringstream os;
  os << "synthetic-slides v1 per_grade=" << o.slides_per_grade << " side=" << o.side
     << " levels=" << o.levels << " seed=" << o.seed;
  return os.str();
}

}  // namespace

void write_synthetic_slides(const fs::path& out_dir, const SyntheticSlidesOptions& o) {
  if (o.slides_per_grade < 1 || o.side < 64 || o.levels < 1)
    throw std::invalid_argument(
        "synthetic slides: need slides_per_grade >= 1, side >= 64, levels >= 1");
  const fs::path stamp = out_dir / ".stamp", csv = out_dir / "train.csv";
  if (fs::exists(stamp) && fs::exists(csv)) {
    std::ifstream in(stamp);
    std::string line;
    std::getline(in, line);
    if (line == stamp_of(o)) return;
  }
  const fs::path images = out_dir / "train_images";
  fs::create_directories(images);
  std::ofstream out(csv.string() + ".tmp");
  if (!out) throw DataError("synthetic slides: cannot write " + csv.string());
  out << "image_id,data_provider,isup_grade,gleason_score\n";
  static const char* gleason[] = {"0+0", "3+3", "3+4", "4+3", "4+4", "4+5"};
  std::mt19937_64 rng(o.seed);
  for (int64_t i = 0; i < o.slides_per_grade * 6; ++i) {
    const int64_t grade = i % 6;
    char id[32];
    std::snprintf(id, sizeof id, "synth%04lld", static_cast<long long>(i));
    const Canvas c = make_slide(grade, o.side, rng);
    write_pyramid_tiff(images / (std::string(id) + ".tiff"), c.rgb, c.h, c.w, o.levels, 256,
                       Compression::Deflate);
    out << id << ",synthetic," << grade << "," << gleason[grade] << "\n";
  }
  out.close();
  fs::rename(csv.string() + ".tmp", csv);
  std::ofstream(stamp) << stamp_of(o) << "\n";
}

}  // namespace pgd::data
