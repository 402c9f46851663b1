#pragma once
// One PANDA slide → one square uint8 RGB image: choose a pyramid level, read it through
// OpenSlide strip by strip, resize the long side to the target keeping the aspect, pad with white.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace pgd::data {

// Which pyramid level to read (the `dataset.level` and `dataset.min_level_side` keys).
struct PandaLevelRule {
  bool automatic = true;       // `level: auto`
  int64_t level = 0;           // the level when not automatic
  int64_t min_level_side = 0;  // auto: the level's shorter side must be >= max(image_size, this)
};

struct SlideLevel {
  int64_t width = 0;
  int64_t height = 0;
  double downsample = 1.0;  // relative to level 0, as OpenSlide reports it
};

// Opens the slide with OpenSlide and lists its levels (finest first). Throws DataError naming
// the slide for a missing file, a file OpenSlide does not recognise, or an OpenSlide error.
std::vector<SlideLevel> read_slide_levels(const std::filesystem::path& slide);

// Auto: the coarsest level whose shorter side >= max(image_size, min_level_side), else level 0
// (the reference's rule; PAPER.md: shorter side >= 4096). Explicit: that level, which must exist
// (DataError naming `slide` otherwise). levels must be non-empty.
int32_t choose_panda_level(const std::vector<SlideLevel>& levels, const PandaLevelRule& rule,
                           int64_t image_size, const std::filesystem::path& slide);

// The level a slide is streamed from (dataset.stream: the level read as is, no resizing, seen as
// an S×S image from its top-left corner). Auto: the finest level that fits whole in S×S, so
// nothing is cropped and nothing is resized; DataError naming `slide` when even the coarsest
// level is larger than S×S. Explicit: that level (cropped to S×S if larger), which must exist.
int32_t choose_stream_level(const std::vector<SlideLevel>& levels, const PandaLevelRule& rule,
                            int64_t image_size, const std::filesystem::path& slide);

struct PandaImage {
  std::vector<uint8_t> rgb;    // size×size×3, row-major
  int64_t size = 0;            // S
  int32_t level = 0;           // pyramid level it was made from
  int64_t content_height = 0;  // the resized slide occupies rows [0, content_height) and
  int64_t content_width = 0;   // columns [0, content_width); the rest is white (255) padding
};

// The whole preprocessing of one slide. The resized slide is placed at the top-left and padded
// at the bottom/right with white, as the reference pads "at the end"; transparent slide pixels
// (OpenSlide returns premultiplied ARGB, alpha 0 outside the scanned area) become white too.
// Shrinking averages areas while the level streams through in strips of rows (about 32 MiB of
// ARGB each), so memory stays near S×S×3 plus one strip; enlarging (a level smaller than S)
// reads the level whole and interpolates bilinearly. Throws DataError naming the slide.
// strip_bytes bounds the ARGB bytes per OpenSlide read (tests make it tiny to cross strips).
inline constexpr int64_t kDefaultStripBytes = 32LL << 20;
PandaImage preprocess_panda_slide(const std::filesystem::path& slide, const PandaLevelRule& rule,
                                  int64_t image_size, int64_t strip_bytes = kDefaultStripBytes);

// Reads one whole level as H×W×3 uint8 RGB (transparent → white). For tests and benchmarks;
// DataError naming the slide on failure.
std::vector<uint8_t> read_slide_level_rgb(const std::filesystem::path& slide, int32_t level,
                                          int64_t* height, int64_t* width,
                                          int64_t strip_bytes = kDefaultStripBytes);

}  // namespace pgd::data
