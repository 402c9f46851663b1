#pragma once
// A PANDA-shaped dataset of synthetic slides (train.csv + pyramidal <image_id>.tiff), whose
// content depends on the ISUP grade, so the real PANDA reader, level choice, cache and the
// panda sweeps run end to end on a machine without the 400 GB Kaggle data.
#include <cstdint>
#include <filesystem>

namespace pgd::data {

struct SyntheticSlidesOptions {
  int64_t slides_per_grade = 8;  // 6 grades (ISUP 0-5)
  int64_t side = 1024;           // long side of level 0
  int levels = 3;                // pyramid levels, each half the previous
  uint64_t seed = 42;
  // Up to this side a slide is rendered whole and each level is the 2×2 box mean of the one
  // below; above it every tile of every level is rendered on its own (levels point-sampled
  // from level 0), so a 65,536² slide is written in the memory of one tile.
  int64_t in_memory_side = 8192;
};

// Writes <out_dir>/train.csv and <out_dir>/train_images/<id>.tiff. Slides are tissue-coloured
// blobs on white with a grade-dependent count of dark "gland" spots and aspect ratios from
// 0.6 to 1 (the width is `side`). Deterministic in the seed. Skips the work when the CSV already exists with the
// same options (a stamp file records them). Throws DataError naming the path on I/O failure.
void write_synthetic_slides(const std::filesystem::path& out_dir,
                            const SyntheticSlidesOptions& options);

// One slide of ISUP grade `grade` (0-5) at `path`, from a generator seeded with options.seed
// (slides_per_grade is not used): for benchmarks that need one gigapixel slide, not a set.
// Overwrites `path`. Throws DataError naming the path on I/O failure.
void write_synthetic_slide(const std::filesystem::path& path, int64_t grade,
                           const SyntheticSlidesOptions& options);

}  // namespace pgd::data
