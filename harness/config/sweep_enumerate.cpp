#include "harness/config/sweep_enumerate.h"

#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/string_util.h"

namespace fs = std::filesystem;

namespace pgd::config {
namespace {

using Json = nlohmann::json;

// Sanity bound: a typo like range(0,1e9) should fail fast, not fill memory.
constexpr size_t kMaxValues = 100000;

[[noreturn]] void fail(const std::string& message) { throw ConfigError(message); }

// An exact decimal m * 10^e, enough for Python's Decimal(str(x)) arithmetic in a range.
struct Decimal {
  __int128 m = 0;
  int e = 0;
};

// The shortest decimal that reads back as `v` (what Python's str(float) writes).
Decimal decimal_of(double v) {
  int digits = 1;
  std::string s = shortest_scientific(v, &digits);
  size_t epos = s.find('e');
  std::string mantissa = s.substr(0, epos);
  mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
  Decimal d;
  d.m = std::strtoll(mantissa.c_str(), nullptr, 10);
  d.e = std::atoi(s.c_str() + epos + 1) - (digits - 1);
  return d;
}

Decimal decimal_of(const Json& v) {
  if (v.is_number_integer()) return {v.get<int64_t>(), 0};
  return decimal_of(v.get<double>());
}

// Brings three decimals to one exponent so that they add and compare as integers.
void align(Decimal* a, Decimal* b, Decimal* c) {
  int e = std::min({a->e, b->e, c->e});
  for (Decimal* d : {a, b, c}) {
    if (d->e - e > 30) fail("range() bounds and step differ too much in scale to step exactly");
    for (; d->e > e; --d->e) d->m *= 10;
  }
}

double to_double(__int128 m, int e) {
  bool negative = m < 0;
  unsigned __int128 u = negative ? -static_cast<unsigned __int128>(m) : m;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u);
  std::string text = (negative ? "-" : "") + digits + "e" + std::to_string(e);
  return std::strtod(text.c_str(), nullptr);  // correctly rounded, as Python's float(Decimal)
}

void check_count(size_t count) {
  if (count > kMaxValues) fail("range has more than " + std::to_string(kMaxValues) + " values");
}

std::vector<Json> int_range(int64_t start, int64_t stop, int64_t step) {
  if (step == 0) fail("range() arg 3 must not be zero");
  std::vector<Json> out;
  for (int64_t v = start; step > 0 ? v < stop : v > stop; v += step) {
    check_count(out.size() + 1);
    out.push_back(v);
  }
  return out;
}

// Hydra's FloatRange: start + i*step in exact decimals while short of stop.
std::vector<Json> float_range(const Json& start_v, const Json& stop_v, const Json& step_v) {
  for (const Json* v : {&start_v, &stop_v, &step_v})
    if (!std::isfinite(v->get<double>())) fail("range() needs finite numbers, got " + v->dump());
  Decimal start = decimal_of(start_v), stop = decimal_of(stop_v), step = decimal_of(step_v);
  if (step.m == 0)
    fail("Invalid range values (start:" + start_v.dump() + ", stop:" + stop_v.dump() + ", step:0)");
  align(&start, &stop, &step);
  std::vector<Json> out;
  for (__int128 v = start.m; step.m > 0 ? v < stop.m : v > stop.m; v += step.m) {
    check_count(out.size() + 1);
    out.push_back(to_double(v, start.e));
  }
  return out;
}

std::vector<Json> range_values(const Sweep& s) {
  if (s.start.is_number_integer() && s.stop.is_number_integer() && s.step.is_number_integer())
    return int_range(s.start.get<int64_t>(), s.stop.get<int64_t>(), s.step.get<int64_t>());
  return float_range(s.start, s.stop, s.step);
}

std::vector<Json> glob_values(const Sweep& s, const SweepContext& context) {
  std::error_code ec;
  if (context.key.find('.') != std::string::npos ||
      !fs::is_directory(context.config_dir / context.key, ec))
    fail("glob() selects options of a config group, and '" + context.key + "' is not a " +
         "config group (a folder in " + context.config_dir.string() + ")");
  auto matches = [](const std::string& name, const std::vector<std::string>& globs) {
    // Python's fnmatch: '*' and '?' also match '/' and a leading '.', '\' is literal.
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) {
      return ::fnmatch(g.c_str(), name.c_str(), FNM_NOESCAPE) == 0;
    });
  };
  std::vector<std::string> options = group_options(context.config_dir, context.key);
  std::vector<Json> out;
  for (const auto& o : options)
    if (matches(o, s.include) && !matches(o, s.exclude)) out.push_back(o);
  if (out.empty())
    fail("glob(" + join(s.include) + (s.exclude.empty() ? "" : ", exclude " + join(s.exclude)) +
         ") matches no option of config group '" + context.key + "'; options: " + join(options));
  return out;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

std::string sweep_kind_name(const Sweep& sweep) {
  switch (sweep.kind) {
    case Sweep::Kind::kChoice:
      return "choice";
    case Sweep::Kind::kRange:
      return "range";
    case Sweep::Kind::kInterval:
      return "interval";
    case Sweep::Kind::kGlob:
      return "glob";
  }
  return "";
}

void seeded_shuffle(std::vector<Json>& values, int64_t seed, const std::string& key) {
  const uint64_t s = static_cast<uint64_t>(seed), k = fnv1a(key);
  std::seed_seq seq{static_cast<uint32_t>(s), static_cast<uint32_t>(s >> 32),
                    static_cast<uint32_t>(k), static_cast<uint32_t>(k >> 32)};
  std::mt19937_64 rng(seq);
  // Each value gets a random 64-bit rank and the values are ordered by rank: a uniform
  // permutation that depends on the Mersenne Twister's sequence alone, the same with every
  // standard library (std::shuffle and uniform_int_distribution are not).
  std::vector<std::pair<uint64_t, size_t>> ranked;
  for (size_t i = 0; i < values.size(); ++i) ranked.emplace_back(rng(), i);
  std::sort(ranked.begin(), ranked.end());
  std::vector<Json> out;
  for (const auto& [rank, i] : ranked) out.push_back(std::move(values[i]));
  values = std::move(out);
}

std::vector<Json> enumerate_sweep(const Sweep& sweep, const SweepContext& context) {
  std::vector<Json> values;
  switch (sweep.kind) {
    case Sweep::Kind::kInterval:
      fail(
          "interval() is a sweep for sampling sweepers (Optuna, Ax, Nevergrad); -m and sweep "
          "grids list their values as Hydra's basic sweeper does, which does not support "
          "interval sweeps; use choice() or range()");
    case Sweep::Kind::kGlob:
      return glob_values(sweep, context);
    case Sweep::Kind::kChoice:
      values = sweep.choices;
      break;
    case Sweep::Kind::kRange:
      values = range_values(sweep);
      break;
  }
  if (sweep.sort_reverse) {
    bool reverse = *sweep.sort_reverse;
    // Range values are all numbers of one kind, so a plain numeric order is Python's.
    std::stable_sort(values.begin(), values.end(), [&](const Json& a, const Json& b) {
      return reverse ? b.get<double>() < a.get<double>() : a.get<double>() < b.get<double>();
    });
  }
  if (sweep.shuffle) {
    if (!context.seed) fail("shuffle() needs the config's seed, which is not known here");
    seeded_shuffle(values, context.seed(), context.key);
  }
  if (values.empty()) fail(sweep_kind_name(sweep) + " sweep has no values");
  return values;
}

}  // namespace pgd::config
