#include "harness/runner/slide_patch_source.h"

#include <chrono>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

namespace pgd::runner {

namespace {

std::vector<data::SlideWindow> at_one_level(const std::vector<std::filesystem::path>& slides,
                                            int32_t level) {
  std::vector<data::SlideWindow> windows;
  for (const auto& path : slides) windows.push_back({path, level});
  return windows;
}

}  // namespace

SlidePatchSource::SlidePatchSource(const std::vector<std::filesystem::path>& slides, int32_t level,
                                   int64_t side, const float mean[3], const float stddev[3])
    : SlidePatchSource(at_one_level(slides, level), side, mean, stddev) {}

SlidePatchSource::SlidePatchSource(const std::vector<data::SlideWindow>& windows, int64_t side,
                                   const float mean[3], const float stddev[3])
    : side_(side), normalizer_(mean, stddev) {
  if (windows.empty()) throw std::invalid_argument("SlidePatchSource: no slides");
  if (side < 1)
    throw std::invalid_argument("SlidePatchSource: image side " + std::to_string(side) +
                                " must be positive");
  for (const auto& w : windows) {
    slides_.push_back(std::make_unique<data::OpenSlideFile>(w.slide));
    level_.push_back(w.level);
    levels_.push_back(slides_.back()->level(w.level));
  }
}

namespace {

using Clock = std::chrono::steady_clock;

int64_t nanoseconds_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

bool same_read(const methods::PatchRead& a, const methods::PatchRead& b) {
  return a.patch_size == b.patch_size && a.start == b.start && a.count == b.count &&
         a.positions.numel() == b.positions.numel() &&
         torch::equal(a.positions.to(torch::kCPU), b.positions.to(torch::kCPU));
}

}  // namespace

SlidePatchSource::~SlidePatchSource() { drop_ahead(); }

torch::Tensor SlidePatchSource::read_rows(const methods::PatchRead& read) const {
  const auto t0 = Clock::now();
  const int64_t p = read.patch_size, start = read.start, count = read.count;
  if (p < 1 || side_ % p != 0)
    throw std::invalid_argument("SlidePatchSource: patch size " + std::to_string(p) +
                                " does not divide the image side " + std::to_string(side_));
  const auto where = read.positions.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t k = where.numel(), n = side_ / p;
  if (start < 0 || count < 1 || start + count > batch() * k)
    throw std::out_of_range("SlidePatchSource: rows " + std::to_string(start) + ".." +
                            std::to_string(start + count) + " are outside the " +
                            std::to_string(batch() * k) + " rows of B·k patches");
  const int64_t* pos = where.data_ptr<int64_t>();
  auto out = torch::empty({count, 3, p, p}, torch::kFloat);
  float* dst = out.data_ptr<float>();
  rgb_.resize(static_cast<size_t>(p * p * 3));
  for (int64_t i = 0; i < count; ++i) {
    // Row r is image r / k's patch at positions[r % k], as gather_patches orders them.
    const int64_t r = start + i, b = r / k, at = pos[r % k];
    if (at < 0 || at >= n * n)
      throw std::out_of_range("SlidePatchSource: position " + std::to_string(at) +
                              " is outside the " + std::to_string(n) + "×" + std::to_string(n) +
                              " grid");
    const auto& slide = *slides_[static_cast<size_t>(b)];
    slide.read_rgb(level_[static_cast<size_t>(b)], levels_[static_cast<size_t>(b)], (at % n) * p,
                   (at / n) * p, p, p, rgb_.data());
    normalizer_.to_planes(rgb_.data(), p * p, dst + i * 3 * p * p, p * p);
  }
  read_ns_ += nanoseconds_since(t0);
  return out;
}

void SlidePatchSource::drop_ahead() const {
  if (!ahead_read_) return;
  ahead_.wait();  // its error, if any, is dropped with it
  ahead_read_.reset();
}

void SlidePatchSource::start_next() const {
  if (plan_.empty()) return;
  ahead_read_ = std::move(plan_.front());
  plan_.pop_front();
  // Positions copied to the CPU here, on the method's thread: the reader thread touches no
  // device tensor.
  ahead_read_->positions = ahead_read_->positions.to(torch::kCPU);
  ahead_ = std::async(std::launch::async, [this, read = *ahead_read_] { return read_rows(read); });
}

void SlidePatchSource::plan_reads(std::vector<methods::PatchRead> reads) const {
  drop_ahead();
  plan_.assign(std::make_move_iterator(reads.begin()), std::make_move_iterator(reads.end()));
  start_next();
}

torch::Tensor SlidePatchSource::patch_rows(const torch::Tensor& positions, int64_t patch_size,
                                           int64_t start, int64_t count,
                                           torch::Device device) const {
  const methods::PatchRead wanted{positions, patch_size, start, count};
  if (ahead_read_ && same_read(*ahead_read_, wanted)) {
    const auto t0 = Clock::now();
    ahead_read_.reset();
    torch::Tensor rows = ahead_.get();  // rethrows the reader's DataError
    wait_ns_ += nanoseconds_since(t0);
    ++read_ahead_;
    start_next();
    return rows.to(device);
  }
  // Off the plan: the plan no longer describes what comes next.
  drop_ahead();
  plan_.clear();
  ++read_directly_;
  const auto t0 = Clock::now();
  torch::Tensor rows = read_rows(wanted);
  wait_ns_ += nanoseconds_since(t0);  // the method waited for all of it
  return rows.to(device);
}

SlidePatchSource::Stats SlidePatchSource::stats() const {
  Stats s;
  s.read_seconds = static_cast<double>(read_ns_.load()) * 1e-9;
  s.wait_seconds = static_cast<double>(wait_ns_) * 1e-9;
  s.read_ahead = read_ahead_;
  s.read_directly = read_directly_;
  return s;
}

}  // namespace pgd::runner
