// Claims: load results/claims.yaml, pick each claim's runs, compute its interval and verdict.
#include "results/src/claims.h"

#include "results/src/cell_setting.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "results/src/cell_stats.h"
#include "results/src/statistics.h"
#include "results/src/table_queries.h"
#include "results/src/yaml_keys.h"

namespace pgd::results {
namespace fs = std::filesystem;

namespace {

std::string optional_string(const YAML::Node& node, const std::string& key,
                            const std::string& fallback) {
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.Scalar() : fallback;
}

double required_number(const YAML::Node& node, const fs::path& file, const std::string& key,
                       const std::string& where) {
  const std::string text = required_string(node, file, key, where);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v))
    fail_key(file, where + "." + key, "'" + text + "' is not a number");
  return v;
}

RunFilter parse_filter(const YAML::Node& node, const fs::path& file, const std::string& where) {
  if (!node || !node.IsMap() || node.size() == 0)
    fail_key(file, where, "expected a map of config keys to values, e.g. {method.name: gd}");
  RunFilter f;
  for (const auto& kv : node) {
    if (!kv.second.IsScalar())
      fail_key(file, where + "." + kv.first.Scalar(), "expected a scalar value");
    f.emplace_back(kv.first.Scalar(), canonical_scalar(kv.second.Scalar()));
  }
  return f;
}

ClaimTest parse_test(const std::string& text, const fs::path& file, const std::string& where) {
  if (text == "difference") return ClaimTest::difference;
  if (text == "ratio") return ClaimTest::ratio;
  if (text == "slope") return ClaimTest::slope;
  if (text == "trend") return ClaimTest::trend;
  fail_key(file, where, "'" + text + "' is not one of difference, ratio, slope, trend");
}

// "a/b <= 1.5" → 1.5
double parse_ratio_bound(const std::string& expect, const fs::path& file,
                         const std::string& where) {
  const std::string prefix = "a/b <=";
  if (expect.rfind(prefix, 0) != 0)
    fail_key(file, where, "a ratio claim expects 'a/b <= NUMBER', not '" + expect + "'");
  const std::string rest = expect.substr(prefix.size());
  char* end = nullptr;
  const double v = std::strtod(rest.c_str(), &end);
  if (end == rest.c_str() || !(v > 0))
    fail_key(file, where, "'" + rest + "' is not a positive number");
  return v;
}

ClaimSpec parse_claim(const YAML::Node& node, const fs::path& file, const std::string& where) {
  if (!node.IsMap()) fail_key(file, where, "expected a map");
  check_keys(node, file, where,
             {"id", "claim", "source", "sweep", "value", "test", "a", "b", "a_label", "b_label",
              "expect", "margin", "x", "log_x", "requires", "best_variant", "setting"});
  ClaimSpec c;
  c.id = required_string(node, file, "id", where);
  c.claim = required_string(node, file, "claim", where);
  c.source = optional_string(node, "source", "");
  c.sweep = required_string(node, file, "sweep", where);
  if (!node["value"])
    fail_key(file, where + ".value", "missing (e.g. {metric: best_accuracy, format: percent})");
  c.value = parse_value_spec(node["value"], file, where + ".value");
  c.test = parse_test(required_string(node, file, "test", where), file, where + ".test");
  c.a = parse_filter(node["a"], file, where + ".a");
  if (c.test != ClaimTest::trend) c.b = parse_filter(node["b"], file, where + ".b");
  c.a_label = optional_string(node, "a_label", "a");
  c.b_label = optional_string(node, "b_label", "b");
  c.expect = required_string(node, file, "expect", where);
  const std::string ew = where + ".expect";
  switch (c.test) {
    case ClaimTest::difference:
    case ClaimTest::slope:
      if (c.expect != "a > b" && c.expect != "a < b")
        fail_key(file, ew, "expected 'a > b' or 'a < b', not '" + c.expect + "'");
      break;
    case ClaimTest::ratio:
      c.bound = parse_ratio_bound(c.expect, file, ew);
      break;
    case ClaimTest::trend:
      if (c.expect != "increasing" && c.expect != "decreasing")
        fail_key(file, ew, "expected increasing or decreasing, not '" + c.expect + "'");
      break;
  }
  if (node["margin"]) c.margin = required_number(node, file, "margin", where);
  if (c.test == ClaimTest::slope || c.test == ClaimTest::trend)
    c.x = required_string(node, file, "x", where);
  if (node["log_x"]) c.log_x = node["log_x"].as<bool>();
  if (node["best_variant"]) {
    c.best_variant = node["best_variant"].as<bool>();
    if (c.best_variant && c.test != ClaimTest::difference && c.test != ClaimTest::ratio)
      fail_key(file, where + ".best_variant", "only for the difference and ratio tests");
  }
  if (node["setting"]) c.setting = parse_setting_items(node["setting"], file, where + ".setting");
  if (const YAML::Node r = node["requires"]) {
    const std::string rw = where + ".requires";
    if (!r.IsMap()) fail_key(file, rw, "expected {side, measurement, at_most, text}");
    check_keys(r, file, rw, {"side", "measurement", "at_most", "text"});
    ClaimPrecondition p;
    p.side = required_string(r, file, "side", rw);
    if (p.side != "a" && p.side != "b") fail_key(file, rw + ".side", "expected a or b");
    p.measurement = required_string(r, file, "measurement", rw);
    p.at_most = required_number(r, file, "at_most", rw);
    p.text = optional_string(r, "text", p.measurement + " <= " + std::to_string(p.at_most));
    c.precondition = p;
  }
  return c;
}

bool matches(const RunFacts& run, const RunFilter& filter) {
  for (const auto& [key, value] : filter)
    if (canonical_json(json_at_path(run.config, key)) != value) return false;
  return true;
}

bool value_of(const RunFacts& run, const ValueSpec& v, double* out) {
  const auto& source = v.source == ValueSource::metric ? run.summary : run.measurements;
  auto it = source.find(v.name);
  if (it == source.end() || std::isnan(it->second)) return false;
  *out = it->second;
  return true;
}

// Runs of one side: their values (finished runs that have the value) and status counts.
struct Side {
  std::vector<const RunFacts*> done;
  std::vector<double> values;
  int oom = 0, failed = 0, other = 0;
  int variants = 0;     // best_variant: the settings it chose from
  std::string setting;  // best_variant: what the chosen one used
};

// The side narrowed to the runs of its best setting (highest mean, or lowest for costs; ties to
// the first seen). OOM and failed counts stay those of the whole side.
Side best_variant_of(const Side& side, const ClaimSpec& c) {
  std::map<std::string, std::vector<size_t>> groups;
  std::vector<std::string> order;
  for (size_t i = 0; i < side.done.size(); ++i) {
    auto [it, inserted] = groups.try_emplace(variant_key(*side.done[i]));
    if (inserted) order.push_back(it->first);
    it->second.push_back(i);
  }
  Side out = side;
  out.done.clear();
  out.values.clear();
  out.variants = static_cast<int>(groups.size());
  double best = 0;
  for (const auto& key : order) {
    double sum = 0;
    for (size_t i : groups[key]) sum += side.values[i];
    const double mean = sum / groups[key].size();
    const bool better = out.done.empty() || (c.value.higher_is_better ? mean > best : mean < best);
    if (!better) continue;
    best = mean;
    out.done.clear();
    out.values.clear();
    for (size_t i : groups[key]) {
      out.done.push_back(side.done[i]);
      out.values.push_back(side.values[i]);
    }
    out.setting = describe_setting(*out.done.front(), c.setting);
  }
  return out;
}

Side collect(const std::vector<RunFacts>& runs, const RunFilter& filter, const ValueSpec& value) {
  Side s;
  for (const auto& r : runs) {
    if (!matches(r, filter)) continue;
    double v;
    if (r.status == store::RunStatus::Done && value_of(r, value, &v)) {
      s.done.push_back(&r);
      s.values.push_back(v);
    } else if (r.status == store::RunStatus::Oom) {
      ++s.oom;
    } else if (r.status == store::RunStatus::Failed) {
      ++s.failed;
    } else {
      ++s.other;
    }
  }
  return s;
}

// A config value as a number: a memory size in bytes ("4GB"), or a plain number.
std::optional<double> config_number(const std::string& text) {
  const double bytes = parse_memory_size(text);
  if (bytes >= 0) return bytes;
  double v;
  if (parse_double(text, &v)) return v;
  return std::nullopt;
}

double x_of(const RunFacts& run, const std::string& key) {
  const std::string text = canonical_json(json_at_path(run.config, key));
  const auto v = config_number(text);
  if (!v)
    throw std::runtime_error("claims: run " + std::to_string(run.id) +
                             " has no number at config key '" + key + "' (got '" + text + "')");
  return *v;
}

// A filter value `max` (`min`) stands for the largest (smallest) numeric value of its key
// among the runs, e.g. "the largest side run" or "the tightest cap", so one claim reads every
// scale. Values that are not numbers or sizes (`none`) are passed over.
RunFilter resolve_filter(const RunFilter& filter, const std::vector<RunFacts>& runs) {
  RunFilter out = filter;
  for (auto& [key, value] : out) {
    if (value != "max" && value != "min") continue;
    const double sign = value == "max" ? 1.0 : -1.0;
    double best = -std::numeric_limits<double>::infinity();
    std::string best_text;
    for (const auto& r : runs) {
      const nlohmann::json* v = json_at_path(r.config, key);
      if (!v) continue;
      const std::string text = canonical_json(v);
      const auto x = config_number(text);
      if (!x) continue;
      if (sign * *x > best) {
        best = sign * *x;
        best_text = text;
      }
    }
    if (!best_text.empty()) value = best_text;
  }
  return out;
}

std::string side_text(const std::string& label, const Side& s, const ValueSpec& value) {
  std::string t = label + " ";
  if (s.values.empty()) {
    t += "no finished runs";
  } else {
    const MeanInterval m = mean_interval(s.values);
    t += format_value(m.mean, value);
    if (m.n > 1) t += " ± " + format_value(m.half_width, value);
    t += " (n=" + std::to_string(m.n) + ")";
  }
  if (s.variants > 1 || !s.setting.empty())
    t += " [best of " + std::to_string(s.variants) + " settings" +
         (s.setting.empty() ? "" : ": " + s.setting) + "]";
  if (s.oom) t += ", " + std::to_string(s.oom) + " OOM";
  if (s.failed) t += ", " + std::to_string(s.failed) + " failed";
  if (s.other) t += ", " + std::to_string(s.other) + " unfinished";
  return t;
}

std::string signed_number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
  return buf;
}

std::string number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The precondition, or a reason why it does not hold.
std::optional<std::string> precondition_failure(const ClaimSpec& c,
                                                const std::vector<RunFacts>& runs) {
  if (!c.precondition) return std::nullopt;
  const auto& p = *c.precondition;
  const RunFilter& filter = p.side == "a" ? c.a : c.b;
  int bound = 0;
  for (const auto& r : runs) {
    if (!matches(r, filter)) continue;
    if (r.status == store::RunStatus::Oom) {
      ++bound;
      continue;
    }
    if (r.status != store::RunStatus::Done) continue;
    auto it = r.measurements.find(p.measurement);
    if (it == r.measurements.end())
      return "precondition not met (" + p.text + "): run " + std::to_string(r.id) + " has no " +
             p.measurement;
    if (it->second > p.at_most)
      return "precondition not met (" + p.text + "): run " + std::to_string(r.id) + " has " +
             p.measurement + " = " + number(it->second, 0);
    ++bound;
  }
  if (bound == 0) return "precondition not checked (" + p.text + "): no finished runs";
  return std::nullopt;
}

// Verdict of an interval [low, high] on a quantity claimed to be above `threshold`.
Verdict above(double low, double high, double threshold) {
  if (low > threshold) return Verdict::reproduced;
  if (high < threshold) return Verdict::contradicted;
  return Verdict::inconclusive;
}

void judge_difference(ClaimResult& r, const Side& a, const Side& b, bool log_scale) {
  const ClaimSpec& c = r.spec;
  std::vector<double> va = a.values, vb = b.values;
  if (log_scale) {
    for (auto* v : {&va, &vb})
      for (double& x : *v) {
        if (!(x > 0))
          throw std::runtime_error("claim " + c.id + ": a ratio needs positive values, got " +
                                   std::to_string(x));
        x = std::log(x);
      }
  }
  const Difference d = welch_difference(va, vb);
  r.n_a = d.n_a;
  r.n_b = d.n_b;
  r.evidence = side_text(c.a_label, a, c.value) + " vs " + side_text(c.b_label, b, c.value);
  if (d.n_a < 2 || d.n_b < 2) {
    r.reason = "fewer than two finished runs on a side: no interval, no verdict";
    if (d.n_a > 0 && d.n_b > 0) r.estimate = log_scale ? std::exp(d.estimate) : d.estimate;
    return;
  }
  r.has_interval = true;
  if (log_scale) {
    r.estimate = std::exp(d.estimate);
    r.low = std::exp(d.low());
    r.high = std::exp(d.high());
    // a/b <= bound  ⇔  −(log a − log b) > −log bound
    r.verdict = above(-d.high(), -d.low(), -std::log(c.bound));
    r.reason = "95 % interval of " + c.a_label + "/" + c.b_label + " [" + number(r.low, 2) + ", " +
               number(r.high, 2) + "] against the bound " + number(c.bound, 2);
    return;
  }
  r.estimate = d.estimate;
  r.low = d.low();
  r.high = d.high();
  const bool greater = c.expect == "a > b";
  r.verdict = greater ? above(d.low(), d.high(), -c.margin) : above(-d.high(), -d.low(), -c.margin);
  r.reason = "Welch 95 % interval of " + c.a_label + " − " + c.b_label + " " +
             (r.verdict == Verdict::inconclusive ? "includes " : "excludes ") +
             (c.margin != 0 ? number(greater ? -c.margin : c.margin, 4) : std::string("0"));
}

// Points (x, value) of one side: log–log for slope, x optionally logged for trend.
Slope side_slope(const Side& s, const ClaimSpec& c, bool log_y, std::set<double>* xs_out) {
  std::vector<double> xs, ys;
  for (size_t i = 0; i < s.done.size(); ++i) {
    const double x = x_of(*s.done[i], c.x);
    const bool log_x = log_y || c.log_x;
    if ((log_x && !(x > 0)) || (log_y && !(s.values[i] > 0)))
      throw std::runtime_error("claim " + c.id + ": a log axis needs positive values (run " +
                               std::to_string(s.done[i]->id) + ")");
    xs.push_back(log_x ? std::log(x) : x);
    ys.push_back(log_y ? std::log(s.values[i]) : s.values[i]);
    xs_out->insert(x);
  }
  return ols_slope(xs, ys);
}

void judge_slope(ClaimResult& r, const Side& a, const Side& b) {
  const ClaimSpec& c = r.spec;
  std::set<double> xa, xb;
  const Slope sa = side_slope(a, c, true, &xa), sb = side_slope(b, c, true, &xb);
  r.n_a = sa.n;
  r.n_b = sb.n;
  auto slope_text = [](const std::string& label, const Slope& s) {
    if (s.n < 2 || std::isnan(s.estimate)) return label + ": too few points";
    std::string t = label + ": exponent " + number(s.estimate, 2);
    if (!std::isnan(s.half_width)) t += " ± " + number(s.half_width, 2);
    return t + " (" + std::to_string(s.n) + " runs)";
  };
  r.evidence = slope_text(c.a_label, sa) + "; " + slope_text(c.b_label, sb) + " (log " +
               c.value.name + " on log " + c.x + ")";
  if (xa.size() < 3 || xb.size() < 3 || std::isnan(sa.half_width) || std::isnan(sb.half_width)) {
    r.reason = "fewer than three values of " + c.x + " with finished runs on a side: no interval";
    return;
  }
  r.has_interval = true;
  r.estimate = sa.estimate - sb.estimate;
  const double hw = std::sqrt(sa.half_width * sa.half_width + sb.half_width * sb.half_width);
  r.low = r.estimate - hw;
  r.high = r.estimate + hw;
  r.verdict = c.expect == "a > b" ? above(r.low, r.high, 0) : above(-r.high, -r.low, 0);
  r.reason = "difference of exponents " + number(r.estimate, 2) + " [" + number(r.low, 2) + ", " +
             number(r.high, 2) + "] (half-widths added in quadrature)";
}

void judge_trend(ClaimResult& r, const Side& a) {
  const ClaimSpec& c = r.spec;
  std::set<double> xs;
  const Slope s = side_slope(a, c, false, &xs);
  r.n_a = s.n;
  r.evidence =
      side_text(c.a_label, a, c.value) + " over " + std::to_string(xs.size()) + " values of " + c.x;
  if (xs.size() < 2 || std::isnan(s.half_width)) {
    r.reason = "fewer than three finished runs over two values of " + c.x + ": no interval";
    return;
  }
  r.has_interval = true;
  r.estimate = s.estimate;
  r.low = s.estimate - s.half_width;
  r.high = s.estimate + s.half_width;
  r.verdict = c.expect == "increasing" ? above(r.low, r.high, 0) : above(-r.high, -r.low, 0);
  r.reason = "slope of " + c.value.name + " on " + (c.log_x ? "log " : "") + c.x + " " +
             number(r.estimate, 4) + " [" + number(r.low, 4) + ", " + number(r.high, 4) + "]";
}

// The scale to judge at: the requested one, or that of the newest sweep feeding the claim.
std::string pick_scale(const std::vector<SweepInfo>& sweeps, const std::string& table,
                       const std::string& wanted) {
  if (!wanted.empty()) return wanted;
  const SweepInfo* newest = nullptr;
  for (const auto& s : sweeps)
    if (s.table == table && (!newest || std::make_pair(s.created_at, s.id) >
                                            std::make_pair(newest->created_at, newest->id)))
      newest = &s;
  return newest ? newest->scale : "";
}

}  // namespace

std::string verdict_name(Verdict v) {
  switch (v) {
    case Verdict::reproduced:
      return "reproduced";
    case Verdict::contradicted:
      return "contradicted";
    case Verdict::inconclusive:
      return "inconclusive";
  }
  throw std::logic_error("verdict_name: unknown verdict");
}

fs::path default_claims_file() { return fs::path(PATCHGD_SOURCE_DIR) / "results" / "claims.yaml"; }

std::vector<ClaimSpec> load_claims(const fs::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("claims file " + file.string() + ": " + e.what());
  }
  if (!root.IsMap() || !root["claims"] || !root["claims"].IsSequence())
    throw std::runtime_error("claims file " + file.string() +
                             ": expected a top-level 'claims' list");
  std::vector<ClaimSpec> claims;
  std::set<std::string> ids;
  try {
    for (std::size_t i = 0; i < root["claims"].size(); ++i) {
      claims.push_back(parse_claim(root["claims"][i], file, "claims[" + std::to_string(i) + "]"));
      if (!ids.insert(claims.back().id).second)
        fail_key(file, "claims[" + std::to_string(i) + "].id",
                 "'" + claims.back().id + "' is used twice");
    }
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("claims file " + file.string() + ": " + e.what());
  }
  return claims;
}

std::vector<ClaimResult> evaluate_claims(const store::ResultStore& db,
                                         const std::vector<ClaimSpec>& claims,
                                         const std::string& scale) {
  const auto sweeps = load_sweeps(db);
  std::vector<ClaimResult> out;
  for (const auto& c : claims) {
    ClaimResult r;
    r.spec = c;
    r.scale = pick_scale(sweeps, c.sweep, scale);
    std::vector<int64_t> ids;
    for (const auto& s : sweeps)
      if (s.table == c.sweep && s.scale == r.scale) ids.push_back(s.id);
    const std::vector<RunFacts> runs = load_runs(db, ids);
    if (runs.empty()) {
      r.reason =
          "no runs of sweep '" + c.sweep + "'" + (r.scale.empty() ? "" : " at scale " + r.scale);
      out.push_back(std::move(r));
      continue;
    }
    r.spec.a = resolve_filter(c.a, runs);
    r.spec.b = resolve_filter(c.b, runs);
    Side a = collect(runs, r.spec.a, c.value);
    Side b = c.test == ClaimTest::trend ? Side{} : collect(runs, r.spec.b, c.value);
    if (c.best_variant) {
      a = best_variant_of(a, c);
      b = best_variant_of(b, c);
      r.a_setting = a.setting;
      r.b_setting = b.setting;
    }
    switch (c.test) {
      case ClaimTest::difference:
        judge_difference(r, a, b, false);
        break;
      case ClaimTest::ratio:
        judge_difference(r, a, b, true);
        break;
      case ClaimTest::slope:
        judge_slope(r, a, b);
        break;
      case ClaimTest::trend:
        judge_trend(r, a);
        break;
    }
    if (auto failure = precondition_failure(r.spec, runs);
        failure && r.verdict != Verdict::inconclusive) {
      r.reason = *failure + "; the comparison alone says " + verdict_name(r.verdict) + " (" +
                 r.reason + ")";
      r.verdict = Verdict::inconclusive;
    } else if (failure) {
      r.reason = *failure + "; " + r.reason;
    }
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

std::string cell(std::string s) {
  for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  return s;
}

}  // namespace

std::string claim_estimate_text(const ClaimResult& r) {
  const ClaimSpec& c = r.spec;
  if (r.n_a == 0 && r.n_b == 0) return "—";
  const bool percent = c.value.format == "percent";
  auto diff = [&](double v) { return percent ? signed_number(v * 100, 1) : signed_number(v, 3); };
  switch (c.test) {
    case ClaimTest::difference:
      if (!r.has_interval)
        return r.n_a > 0 && r.n_b > 0 ? diff(r.estimate) + " (no interval)" : "—";
      return diff(r.estimate) + " [" + diff(r.low) + ", " + diff(r.high) + "]" +
             (percent ? " points" : "");
    case ClaimTest::ratio:
      if (!r.has_interval)
        return r.n_a > 0 && r.n_b > 0 ? number(r.estimate, 2) + "× (no interval)" : "—";
      return number(r.estimate, 2) + "× [" + number(r.low, 2) + ", " + number(r.high, 2) + "]";
    case ClaimTest::slope:
    case ClaimTest::trend:
      if (!r.has_interval) return "—";
      return signed_number(r.estimate, 3) + " [" + signed_number(r.low, 3) + ", " +
             signed_number(r.high, 3) + "]";
  }
  return "—";
}

std::string claims_markdown(const std::vector<ClaimResult>& results, const std::string& db_path) {
  std::string md = "# The paper's claims, judged from " + db_path + "\n\n";
  md +=
      "Each verdict is computed from the database (results/claims.yaml says what each claim "
      "compares). "
      "**reproduced**: the 95 % interval lies wholly on the claimed side; **contradicted**: wholly "
      "on "
      "the other side; **inconclusive**: it allows either, or there are fewer than two finished "
      "runs "
      "on a side (never a verdict from one seed), or a precondition does not hold.\n\n";
  md +=
      "| claim | scale | verdict | estimate [95 % CI] | evidence | why "
      "|\n|---|---|---|---|---|---|\n";
  for (const auto& r : results) {
    md += "| " + cell(r.spec.claim) +
          (r.spec.source.empty() ? "" : " (" + cell(r.spec.source) + ")") + " | " +
          (r.scale.empty() ? "—" : r.scale) + " | **" + verdict_name(r.verdict) + "** | " +
          cell(claim_estimate_text(r)) + " | " + cell(r.evidence.empty() ? "—" : r.evidence) +
          " | " + cell(r.reason) + " |\n";
  }
  return md;
}

}  // namespace pgd::results
