#pragma once
// Writes the first images of an UltraMNIST split as PNGs with a CSV manifest, so a person can
// look at what the model sees (`patchgd data ultramnist --out DIR --count N [overrides]`).
#include <cstdint>
#include <filesystem>
#include <string>

#include "datasets/dataset.h"
#include "datasets/dataset_options.h"
#include "datasets/ultramnist_generator.h"

namespace pgd::data {

// Writes images
// 0..count-1 of `split` (the generator's rule continues past the split's size) as
// out_dir/<split>_<index:06>.png, gray, image_size², and out_dir/manifest.csv with the columns
//   file,split,index,label,digits,scales,boxes,canvas_boxes
// where list fields are ';'-separated per digit in placement order: digits 0..9; scales = box
// side / 28 (0.5 for the 14×14 case); boxes = "x0 y0 x1 y1" in PNG pixels (x = column, end
// exclusive, one decimal); canvas_boxes the same in canvas pixels (integers).
// Throws std::invalid_argument for a negative count, DataError when a file cannot be written.
void write_ultramnist_previews(const UltraMnistOptions& options, Split split, uint64_t seed,
                               const std::filesystem::path& out_dir, int64_t count);

// One manifest row (without the trailing newline) for a sample written as `file`.
std::string ultramnist_manifest_row(const std::string& file, Split split, uint64_t index,
                                    const UltraMnistSample& sample, const UltraMnistParams& params);

}  // namespace pgd::data
