// describe_backbone: the text `patchgd models` prints for one backbone.
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "methods/backbones/backbone.h"
#include "methods/backbones/flop_counter.h"

namespace pgd::backbones {

namespace detail {
namespace {

// 25557032 → "25,557,032"
std::string with_commas(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

// 4089184256 → "4.09 G"; keeps tables readable across 1e3 .. 1e12.
std::string si(int64_t value) {
  const char* units[] = {"", " K", " M", " G", " T"};
  double v = static_cast<double>(value);
  int unit = 0;
  while (v >= 1000.0 && unit < 4) {
    v /= 1000.0;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), unit == 0 ? "%.0f%s" : "%.2f%s", v, units[unit]);
  return buffer;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "×" : "") + std::to_string(shape[i]);
  return out;
}

// Pads by code points, not bytes, so "×" lines up.
std::string pad(const std::string& text, size_t width) {
  size_t code_points = 0;
  for (unsigned char ch : text) code_points += (ch & 0xC0) != 0x80;
  return code_points >= width ? text + " " : text + std::string(width - code_points, ' ');
}

}  // namespace
}  // namespace detail

std::string describe_backbone(const BackboneOptions& options, int64_t image_size) {
  if (image_size < 1) {
    throw std::invalid_argument("describe_backbone: image_size " + std::to_string(image_size) +
                                "; expected >= 1");
  }
  const std::vector<StageShape> stages = trace_stages(options, image_size, image_size);
  std::shared_ptr<Backbone> model = make_backbone(options);

  std::ostringstream out;
  char width_text[32];
  std::snprintf(width_text, sizeof(width_text), "%g", options.width);
  out << options.name << "  width " << width_text << "  mode " << to_string(options.mode);
  if (options.mode == BackboneMode::Classifier) out << "  classes " << options.num_classes;
  if (options.mode == BackboneMode::Encoder) out << "  out_dim " << options.out_dim;
  out << "\n";
  out << "  input 3×" << image_size << "×" << image_size << ", feature channels "
      << model->feature_channels() << ", output stride " << model->output_stride() << "\n";
  out << "  " << detail::pad("stage", 16) << detail::pad("output", 18) << "MACs\n";
  int64_t total_macs = 0;
  for (const auto& stage : stages) {
    out << "  " << detail::pad(stage.name, 16) << detail::pad(detail::shape_text(stage.shape), 18)
        << detail::si(stage.macs) << "\n";
    total_macs += stage.macs;
  }
  out << "  parameters " << detail::with_commas(count_parameters(*model)) << " (trainable "
      << detail::with_commas(count_trainable_parameters(*model)) << ")\n";
  out << "  MACs/image " << detail::with_commas(total_macs) << " (" << detail::si(total_macs)
      << ") at " << image_size << "×" << image_size << "\n";
  return out.str();
}

}  // namespace pgd::backbones
