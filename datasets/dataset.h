#pragma once
// The Dataset interface: a sample's label and its normalized image tensor, made on demand.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "datasets/dataset_options.h"

namespace pgd::data {

enum class Split { Train, Val };
const char* split_name(Split s);

// Thrown for unreadable, missing, truncated or mislabelled data; the message names the file.
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where a sample can be streamed from: one slide's pyramid level, seen as an S×S image from its
// top-left corner (white beyond the level's edges), read window by window, never resized.
struct SlideWindow {
  std::filesystem::path slide;
  int32_t level = 0;
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual size_t size() const = 0;
  virtual int64_t num_classes() const = 0;
  virtual int64_t image_size() const = 0;  // side S of the square images
  virtual int64_t label(size_t i) const = 0;
  virtual std::string sample_id(size_t i) const = 0;
  // Sample i, normalized with the dataset's mean/std: 3×S×S float32, contiguous, on CPU.
  // Must be safe to call from a loader thread while another sample is being made.
  virtual torch::Tensor image(size_t i) const = 0;
  // Set when the dataset serves its samples for streaming (PANDA with dataset.stream): then
  // image(i) is the same window materialised, so a method that cannot stream sees the same
  // pixels. Opens the slide to choose its level; DataError naming it when that fails.
  virtual std::optional<SlideWindow> slide_window(size_t /*i*/) const { return std::nullopt; }
};

// Sample i's slide window, for a caller that streams: DataError naming the sample when the
// dataset serves none (it is not PANDA with dataset.stream).
SlideWindow stream_window(const Dataset& ds, size_t i);

// Builds the dataset `options.source` describes. Relative paths resolve against the working
// directory first, then against the project root.
std::unique_ptr<Dataset> make_dataset(const DatasetOptions& options, Split split, uint64_t seed);

// Resolves a data path as make_dataset does (cwd first, then the project source tree).
std::filesystem::path resolve_data_path(const std::string& path);

}  // namespace pgd::data
