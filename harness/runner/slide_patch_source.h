#pragma once
// PatchGD's patches read from slides window by window, so the image is never whole in memory
// (issue 16): each patch is one OpenSlide read of p×p pixels at the chosen pyramid level,
// normalized with the same per-channel table as the in-memory dataset, so a streamed batch and
// the same slides held as a tensor give bit-identical patches. Each slide's level is seen as an
// S×S image from its top-left corner; a window beyond the level's edges is white, the padding
// the in-memory preprocessing adds at the bottom and right. No resizing: level L is read as is.
// Memory outside LibTorch's allocator: one patch of RGB scratch, the rows being read ahead, and
// OpenSlide's decoded-tile cache, which OpenSlide bounds itself at 32 MiB per open slide (its
// default; bookworm's OpenSlide 3.4.1 has no call to change it, 4.0's openslide_set_cache does).
#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <vector>

#include "datasets/dataset.h"
#include "datasets/openslide_file.h"
#include "datasets/rgb_normalizer.h"
#include "methods/patch_source.h"

namespace pgd::runner {

class SlidePatchSource final : public methods::PatchSource {
 public:
  // Opens every slide now, so a missing, unreadable or truncated slide, or a level it lacks,
  // throws data::DataError naming the file before any compute. mean/stddev: per RGB channel on
  // [0, 1] pixel values (PANDA: data::kPandaMean, data::kPandaStd).
  SlidePatchSource(const std::vector<std::filesystem::path>& slides, int32_t level, int64_t side,
                   const float mean[3], const float stddev[3]);
  // Each slide at its own level (a PANDA batch with level: auto), as the loader's windows say.
  SlidePatchSource(const std::vector<data::SlideWindow>& windows, int64_t side, const float mean[3],
                   const float stddev[3]);

  int64_t batch() const override { return static_cast<int64_t>(slides_.size()); }
  int64_t side() const override { return side_; }
  // One OpenSlide read per patch. A read the plan announced was started on a reader thread when
  // the read before it was served, so it overlapped the method's compute; others are read on
  // the calling thread. DataError naming the slide on a read error.
  torch::Tensor patch_rows(const torch::Tensor& positions, int64_t patch_size, int64_t start,
                           int64_t count, torch::Device device) const override;
  // Starts reading the plan's first read now (one read ahead at a time).
  void plan_reads(std::vector<methods::PatchRead> reads) const override;

  // How reading went so far: time the reads took (on whichever thread), time patch_rows spent
  // waiting for reads (compute stalled on the disk: the rest of a read-ahead, or all of a direct
  // read), and how many reads came from the reader thread vs were read on the spot. The reader
  // thread is idle for the wall time minus read_seconds.
  struct Stats {
    double read_seconds = 0;
    double wait_seconds = 0;
    int64_t read_ahead = 0;
    int64_t read_directly = 0;
  };
  Stats stats() const;

  ~SlidePatchSource() override;

 private:
  // The rows as normalized float on the CPU (the reader thread's work).
  torch::Tensor read_rows(const methods::PatchRead& read) const;
  // Starts the next planned read on a reader thread, if any.
  void start_next() const;
  // Waits for an in-flight read and drops it (errors included: a read off the plan follows).
  void drop_ahead() const;


  std::vector<std::unique_ptr<data::OpenSlideFile>> slides_;
  std::vector<int32_t> level_;            // each slide's level
  std::vector<data::SlideLevel> levels_;  // and its size
  int64_t side_ = 0;
  data::RgbNormalizer normalizer_;
  mutable std::vector<uint8_t> rgb_;  // one patch's pixels (one read runs at a time)

  mutable std::deque<methods::PatchRead> plan_;
  mutable std::optional<methods::PatchRead> ahead_read_;  // what ahead_ is reading
  mutable std::future<torch::Tensor> ahead_;
  mutable std::atomic<int64_t> read_ns_{0};
  mutable int64_t wait_ns_ = 0, read_ahead_ = 0, read_directly_ = 0;
};

}  // namespace pgd::runner
