#pragma once
// Resizing of uint8 RGB images for the PANDA preprocessing: area averaging when shrinking (fed
// row strip by row strip, so a slide level never has to sit in memory whole) and bilinear
// interpolation when enlarging.
#include <cstdint>
#include <vector>

namespace pgd::data {

// Output size when the long side becomes `target` and the aspect is kept: the long side is
// exactly `target`, the short side round(short * target / long), at least 1.
struct ResizedShape {
  int64_t height = 0;
  int64_t width = 0;
};
ResizedShape keep_aspect_shape(int64_t height, int64_t width, int64_t target);

// Area averaging (as OpenCV's INTER_AREA): output pixel (oy, ox) is the mean of the input
// rectangle [oy*ry, (oy+1)*ry) × [ox*rx, (ox+1)*rx), ry = in_h/out_h, rx = in_w/out_w, partial
// pixels weighted by their covered fraction. Requires out_h <= in_h and out_w <= in_w.
// Memory: two output rows of float accumulators besides the output itself.
class AreaResizer {
 public:
  AreaResizer(int64_t in_h, int64_t in_w, int64_t out_h, int64_t out_w);
  // rgb: rows×in_w×3 uint8, the next `rows` rows of the input (top to bottom).
  void push_rows(const uint8_t* rgb, int64_t rows);
  // After all in_h rows were pushed: out_h×out_w×3 uint8. Throws std::logic_error otherwise.
  std::vector<uint8_t> finish();

 private:
  struct Tap {
    int64_t index;  // input column (horizontal taps) or output row (vertical taps)
    float weight;
  };
  void finalize_row(int64_t o);

  int64_t in_h_, in_w_, out_h_, out_w_;
  std::vector<std::vector<Tap>> column_taps_;  // per output column: the input columns it averages
  std::vector<std::vector<Tap>> row_taps_;     // per input row: the output rows it feeds (<= 2)
  std::vector<float> acc_[2];                  // open output rows, by parity: out_w×3
  std::vector<float> line_;                    // one input row resampled horizontally: out_w×3
  std::vector<uint8_t> out_;
  int64_t rows_in_ = 0;
  int64_t next_final_ = 0;  // first output row not yet written to out_
};

// Whole-image area averaging (one AreaResizer pass). rgb: in_h×in_w×3 → out_h×out_w×3.
std::vector<uint8_t> resize_rgb_area(const std::vector<uint8_t>& rgb, int64_t in_h, int64_t in_w,
                                     int64_t out_h, int64_t out_w);

// Bilinear with pixel centres aligned (align_corners = false, as OpenCV INTER_LINEAR and
// torch's interpolate): source coordinate (o + 0.5) * in/out - 0.5, clamped to the image.
// rgb: in_h×in_w×3 → out_h×out_w×3, any sizes >= 1.
std::vector<uint8_t> resize_rgb_bilinear(const std::vector<uint8_t>& rgb, int64_t in_h,
                                         int64_t in_w, int64_t out_h, int64_t out_w);

}  // namespace pgd::data
