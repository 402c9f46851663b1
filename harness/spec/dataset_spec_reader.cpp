// read_dataset_options: the `dataset` section of each source.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "harness/config/config_error.h"
#include "harness/spec/spec_reader.h"

namespace pgd::spec {
namespace {

using config::ConfigView;

std::vector<double> read_scale_weights(const ConfigView& d, const data::UltraMnistParams& p) {
  if (!d.raw().contains("scale_weights") || !d.raw().at("scale_weights").is_string())
    return d.get_double_list("scale_weights");
  if (d.get_choice("scale_weights", {"v_shape", "uniform"}) == "v_shape")
    return data::v_shape_weights(p.scale_min, p.scale_max);
  return std::vector<double>(static_cast<size_t>(p.scale_max - p.scale_min + 1), 1.0);
}

data::UltraMnistParams read_ultramnist_params(const ConfigView& d) {
  data::UltraMnistParams p;
  p.image_size = d.get_int_in("image_size", 1, 1 << 16);
  p.canvas_size = d.get_int_in("canvas_size", 14, 1 << 16);
  p.digits_min = d.get_int_in("digits_min", 1, 10);
  p.digits_max = d.get_int_in("digits_max", p.digits_min, 10);
  p.num_classes = d.get_int_in("num_classes", 1, 9 * p.digits_max + 1);
  p.scale_min = d.get_int_in("scale_min", 1, p.canvas_size / 28);
  p.scale_max = d.get_int_in("scale_max", p.scale_min, p.canvas_size / 28);
  p.scale_weights = read_scale_weights(d, p);
  p.placement_tries = int_or_in(d, "placement_tries", p.placement_tries, 1, 1 << 30);
  p.scale_tries = int_or_in(d, "scale_tries", p.scale_tries, 1, 1 << 30);
  if (!d.is_null("half_size_prob")) p.half_size_prob = d.get_double_in("half_size_prob", 0, 1);
  // The generator's own rules (weights per factor, digits that fit the canvas), in its words.
  try {
    p.validate(d.path().empty() ? "" : d.path() + ".");
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(e.what());
  }
  return p;
}

data::UltraMnistOptions read_ultramnist(const ConfigView& d) {
  data::UltraMnistOptions o;
  o.params = read_ultramnist_params(d);
  o.train_per_class = d.get_int_in("train_per_class", 0, int64_t{1} << 32);
  o.val_per_class = d.get_int_in("val_per_class", 0, int64_t{1} << 32);
  o.mnist_path = d.get_string("mnist_path");
  if (!d.is_null("cache_dir")) o.cache_dir = d.get_string("cache_dir");
  return o;
}

data::SyntheticOptions read_synthetic(const ConfigView& d) {
  data::SyntheticOptions o;
  o.image_size = d.get_int_in("image_size", 1, 1 << 16);
  o.num_classes = d.get_int_in("num_classes", 1, 1 << 20);
  o.train_size = d.get_int_in("train_size", 0, int64_t{1} << 40);
  o.val_size = d.get_int_in("val_size", 0, int64_t{1} << 40);
  return o;
}

data::PandaLevelRule read_panda_level(const ConfigView& d) {
  data::PandaLevelRule rule;
  const nlohmann::json* level = d.raw().contains("level") ? &d.raw().at("level") : nullptr;
  if (!level || level->is_null() || (level->is_string() && level->get<std::string>() == "auto")) {
    rule.automatic = true;
  } else if (level->is_number_integer() && level->get<int64_t>() >= 0) {
    rule.automatic = false;
    rule.level = level->get<int64_t>();
  } else {
    d.fail("level", "'auto' or a pyramid level index >= 0");
  }
  rule.min_level_side = int_or_in(d, "min_level_side", 4096, 0, int64_t{1} << 31);
  return rule;
}

data::PandaOptions read_panda(const ConfigView& d) {
  data::PandaOptions o;
  o.csv = d.get_string("csv");
  o.slides_dir = d.get_string("slides_dir");
  if (o.csv.empty()) d.fail("csv", "a path to train.csv");
  if (o.slides_dir.empty()) d.fail("slides_dir", "a directory of <image_id>.tiff slides");
  o.image_size = int_or_in(d, "image_size", o.image_size, 1, 1 << 16);
  o.level = read_panda_level(d);
  o.folds = int_or_in(d, "folds", o.folds, 2, 1000);
  o.fold = int_or_in(d, "fold", o.fold, 0, o.folds - 1);
  o.split_seed = static_cast<uint64_t>(d.is_null("split_seed") ? 42 : d.get_int("split_seed"));
  o.cache_dir = d.get_string_or("cache_dir", "");
  o.skip_bad = d.get_bool_or("skip_bad", false);
  o.limit = int_or_in(d, "limit", 0, 0, INT64_MAX);
  o.stream = d.get_bool_or("stream", false);
  return o;
}

}  // namespace

data::DatasetOptions read_dataset_options(const ConfigView& d) {
  data::DatasetOptions o;
  o.name = d.get_choice("name", data::dataset_names());
  const auto& family = data::ultramnist_family_names();
  if (std::find(family.begin(), family.end(), o.name) != family.end())
    o.source = read_ultramnist(d);
  else if (o.name == "panda")
    o.source = read_panda(d);
  else
    o.source = read_synthetic(d);
  return o;
}

}  // namespace pgd::spec
