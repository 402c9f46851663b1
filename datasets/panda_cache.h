#pragma once
// On-disk cache of preprocessed PANDA images: reading and resizing a slide costs seconds, an
// S×S×3 file costs milliseconds, and the preprocessing has no random part.
//
// File: <cache_dir>/<image_id>_L<level>_S<size>.rgb for an explicit level, or
// <cache_dir>/<image_id>_Lauto<m>_S<size>.rgb for `level: auto` with m = max(size,
// min_level_side): the name must be known without opening the slide (the point of a cache), and
// auto's resolved level depends only on m. Content: a 32-byte header (magic "PGDPANDA", then
// uint32 version, size, level, content_height, content_width, reserved, little-endian) followed
// by size×size×3 RGB bytes. Written to a unique temporary file and renamed into place, so
// readers (other threads, other processes) see a whole file or none.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "datasets/panda_slide.h"

namespace pgd::data {

std::filesystem::path panda_cache_path(const std::filesystem::path& cache_dir,
                                       const std::string& image_id, const PandaLevelRule& rule,
                                       int64_t image_size);

// The cached image, or nullopt when the file is absent or not a whole, matching cache entry
// (wrong magic/version/size, truncated): such an entry is rebuilt, not an error.
std::optional<PandaImage> read_panda_cache(const std::filesystem::path& file, int64_t image_size);

// True when `file` looks like a whole entry for this size (header and length only, no pixels).
bool panda_cache_present(const std::filesystem::path& file, int64_t image_size);

// Creates the directory if needed and writes atomically. Throws DataError naming the file when
// it cannot be written (a cache that silently never fills would hide a misconfiguration).
void write_panda_cache(const std::filesystem::path& file, const PandaImage& image);

}  // namespace pgd::data
