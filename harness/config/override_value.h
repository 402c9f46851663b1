#pragma once
// What the value of an override parses to: one element (a JSON value) or a sweep, which
// stands for several values and only makes sense with -m/--multirun or in a sweep file's grid.
// Sweeps are Hydra's: choice (and its simple form a,b,c), range, interval and glob.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgd::config {

struct Sweep {
  enum class Kind { kChoice, kRange, kInterval, kGlob };
  Kind kind = Kind::kChoice;
  bool simple_form = false;                   // written a,b,c rather than choice(a,b,c)
  bool shuffle = false;                       // shuffle(...): order drawn from the config's seed
  std::optional<bool> sort_reverse;           // sort(range(...)): the values sorted when listed
  std::set<std::string> tags;                 // tag(...): kept for sweepers that read them
  std::vector<nlohmann::json> choices;        // kChoice
  nlohmann::json start, stop, step;           // kRange (ints or floats); kInterval: start, stop
  std::vector<std::string> include, exclude;  // kGlob: fnmatch patterns over group options
};

struct OverrideValue {
  nlohmann::json element;      // the value, when it is not a sweep
  std::optional<Sweep> sweep;  // set for sweeps

  bool is_sweep() const { return sweep.has_value(); }
  static OverrideValue of(nlohmann::json v) { return {std::move(v), std::nullopt}; }
  static OverrideValue of(Sweep s) { return {nullptr, std::move(s)}; }
};

// "choice", "range", "interval" or "glob", for messages.
std::string sweep_kind_name(const Sweep& sweep);

}  // namespace pgd::config
