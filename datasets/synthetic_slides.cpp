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

// A slide as a list of discs painted in order over white: level 0 and any window of any level
// can be rendered from it without the rest of the image.
struct Disc {
  double cy, cx, r;
  uint8_t colour[3];
  double alpha;
};

struct Scene {
  int64_t h = 0, w = 0;  // level 0
  std::vector<Disc> discs;
};

// Tissue: overlapping pink discs; grade g adds 3 + 5g dark purple spots inside the tissue.
// (The draws are those of the first version, so slides written whole keep their pixels.)
Scene make_scene(int64_t grade, int64_t side, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Scene sc;
  sc.w = side;
  sc.h = std::max<int64_t>(64, static_cast<int64_t>(side * (0.6 + 0.4 * u(rng))));
  const double small = static_cast<double>(std::min(sc.h, sc.w));
  std::vector<std::pair<double, double>> centres;
  for (int i = 0; i < 6; ++i) {
    const double cy = sc.h * (0.25 + 0.5 * u(rng)), cx = sc.w * (0.2 + 0.6 * u(rng));
    centres.emplace_back(cy, cx);
    sc.discs.push_back({cy, cx, small * (0.15 + 0.1 * u(rng)), {230, 170, 200}, 0.9});
  }
  const int spots = static_cast<int>(3 + 5 * grade);
  for (int i = 0; i < spots; ++i) {
    const auto& [cy, cx] = centres[static_cast<size_t>(i) % centres.size()];
    const double r = small * 0.12;
    // Radius, then x, then y: the order GCC evaluated the first version's call arguments in.
    const double radius = small * (0.015 + 0.01 * u(rng));
    const double gx = cx + r * (2 * u(rng) - 1);
    const double gy = cy + r * (2 * u(rng) - 1);
    sc.discs.push_back({gy, gx, radius, {90, 40, 120}, 0.85});
  }
  return sc;
}

// Rows [y, y+th) × columns [x, x+tw) of the scene at `level`: pixel (i, j) of level L is level
// 0's pixel (i·2^L + 2^(L-1), j·2^L + 2^(L-1)) (point-sampled: a box mean would touch 4^L level-0
// pixels per pixel). Only the discs that reach the window are tested per pixel.
void render(const Scene& sc, int level, int64_t y, int64_t x, int64_t th, int64_t tw, uint8_t* out,
            int64_t stride) {
  const int64_t scale = int64_t{1} << level, offset = scale / 2;
  const double y0 = static_cast<double>(y * scale), y1 = static_cast<double>((y + th) * scale);
  const double x0 = static_cast<double>(x * scale), x1 = static_cast<double>((x + tw) * scale);
  std::vector<const Disc*> near;
  for (const Disc& d : sc.discs)
    if (d.cy + d.r >= y0 && d.cy - d.r <= y1 && d.cx + d.r >= x0 && d.cx - d.r <= x1)
      near.push_back(&d);
  for (int64_t i = 0; i < th; ++i) {
    uint8_t* row = out + i * stride;
    std::fill_n(row, tw * 3, uint8_t{255});
    if (near.empty()) continue;
    const double py = static_cast<double>((y + i) * scale + offset);
    for (int64_t j = 0; j < tw; ++j) {
      const double px = static_cast<double>((x + j) * scale + offset);
      uint8_t* p = row + j * 3;
      for (const Disc* d : near) {
        const double dy = py - d->cy, dx = px - d->cx;
        if (dy * dy + dx * dx > d->r * d->r) continue;
        for (int k = 0; k < 3; ++k)
          p[k] = static_cast<uint8_t>(d->alpha * d->colour[k] + (1 - d->alpha) * p[k]);
      }
    }
  }
}

void write_slide(const fs::path& path, const Scene& sc, int levels, int64_t in_memory_side) {
  if (sc.w <= in_memory_side) {
    std::vector<uint8_t> rgb(static_cast<size_t>(sc.h * sc.w * 3));
    constexpr int64_t band = 256;  // rows per render call, so discs are filtered per band
    for (int64_t y = 0; y < sc.h; y += band)
      render(sc, 0, y, 0, std::min(band, sc.h - y), sc.w, rgb.data() + y * sc.w * 3, sc.w * 3);
    write_pyramid_tiff(path, rgb, sc.h, sc.w, levels, 256, Compression::Deflate);
    return;
  }
  write_pyramid_tiff_tiles(
      path, sc.h, sc.w, levels,
      [&sc](int level, int64_t y, int64_t x, int64_t th, int64_t tw, uint8_t* out,
            int64_t stride) { render(sc, level, y, x, th, tw, out, stride); },
      256, Compression::Deflate);
}

std::string stamp_of(const SyntheticSlidesOptions& o) {
  std::ostringstream os;
  os << "synthetic-slides v1 per_grade=" << o.slides_per_grade << " side=" << o.side
     << " levels=" << o.levels << " seed=" << o.seed;
  if (o.side > o.in_memory_side) os << " tiled";  // levels point-sampled, not box means
  return os.str();
}

}  // namespace

void write_synthetic_slide(const fs::path& path, int64_t grade, const SyntheticSlidesOptions& o) {
  if (grade < 0 || grade > 5 || o.side < 64 || o.levels < 1)
    throw std::invalid_argument("synthetic slide: need grade 0-5, side >= 64, levels >= 1");
  std::mt19937_64 rng(o.seed);
  write_slide(path, make_scene(grade, o.side, rng), o.levels, o.in_memory_side);
}

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
    write_slide(images / (std::string(id) + ".tiff"), make_scene(grade, o.side, rng), o.levels,
                o.in_memory_side);
    out << id << ",synthetic," << grade << "," << gleason[grade] << "\n";
  }
  out.close();
  fs::rename(csv.string() + ".tmp", csv);
  std::ofstream(stamp) << stamp_of(o) << "\n";
}

}  // namespace pgd::data
