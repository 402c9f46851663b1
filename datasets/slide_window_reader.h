#pragma once
// A slide's streamed window materialised: what PatchGD reads patch by patch from a SlideWindow,
// as one normalized tensor, for methods that need the whole image (GD) and for checking the
// streamed path against the in-memory one.
#include <cstdint>

#include <torch/types.h>

#include "datasets/dataset.h"
#include "datasets/rgb_normalizer.h"

namespace pgd::data {

// The S×S window at the top-left of window.level: 3×S×S float, normalized, white beyond the
// level's edges. The tensor is allocated before anything is read, so under a memory cap an image
// too large for it fails at once (the cap's OutOfMemoryError) rather than after reading; the
// pixels then pass through in strips of about strip_bytes. DataError names the slide.
torch::Tensor read_slide_window(const SlideWindow& window, int64_t side,
                                const RgbNormalizer& normalizer, int64_t strip_bytes = 32LL << 20);

}  // namespace pgd::data
