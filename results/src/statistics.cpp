#include "results/src/statistics.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace pgd::results {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Continued fraction of the regularized incomplete beta (modified Lentz); converges quickly
// for x < (a + 1) / (a + b + 2), which the caller arranges by symmetry.
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    for (int half = 0; half < 2; ++half) {
      d = 1.0 + num * d;
      if (std::fabs(d) < tiny) d = tiny;
      c = 1.0 + num / c;
      if (std::fabs(c) < tiny) c = tiny;
      d = 1.0 / d;
      const double step = d * c;
      h *= step;
      if (half == 1 && std::fabs(step - 1.0) < eps) return h;
      num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    }
  }
  return h;
}

// I_x(a, b).
double regularized_beta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double variance_of(const std::vector<double>& v, double mean) {
  if (v.size() < 2) return 0;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return ss / static_cast<double>(v.size() - 1);
}

void check_level(double level) {
  if (!(level > 0 && level < 1))
    throw std::invalid_argument("confidence level " + std::to_string(level) + " is not in (0, 1)");
}

}  // namespace

double student_t_cdf(double t, double df) {
  if (!(df > 0)) throw std::invalid_argument("student_t_cdf: degrees of freedom must be > 0");
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * regularized_beta(df / (df + t * t), df / 2.0, 0.5);
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  if (!(df > 0)) throw std::invalid_argument("student_t_quantile: degrees of freedom must be > 0");
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  // Bisection on the monotone CDF: slow but exact to double precision in ~200 steps at most.
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, df) < p) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

MeanInterval mean_interval(const std::vector<double>& values, double level) {
  check_level(level);
  MeanInterval r;
  r.n = static_cast<int>(values.size());
  if (r.n == 0) {
    r.mean = r.half_width = kNaN;
    return r;
  }
  r.mean = mean_of(values);
  if (r.n < 2) {
    r.half_width = kNaN;
    return r;
  }
  r.sd = std::sqrt(variance_of(values, r.mean));
  const double t = student_t_quantile(0.5 + level / 2.0, r.n - 1);
  r.half_width = t * r.sd / std::sqrt(static_cast<double>(r.n));
  return r;
}

bool Difference::has_interval() const { return n_a >= 2 && n_b >= 2 && !std::isnan(half_width); }

Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b,
                            double level) {
  check_level(level);
  Difference d;
  d.n_a = static_cast<int>(a.size());
  d.n_b = static_cast<int>(b.size());
  if (a.empty() || b.empty()) {
    d.estimate = d.half_width = d.df = kNaN;
    return d;
  }
  const double ma = mean_of(a), mb = mean_of(b);
  d.estimate = ma - mb;
  if (d.n_a < 2 || d.n_b < 2) {
    d.half_width = d.df = kNaN;
    return d;
  }
  const double va = variance_of(a, ma) / d.n_a, vb = variance_of(b, mb) / d.n_b;
  const double se2 = va + vb;
  if (se2 <= 0) {  // both samples constant: the difference is known exactly
    d.df = d.n_a + d.n_b - 2;
    d.half_width = 0;
    return d;
  }
  d.df = se2 * se2 / (va * va / (d.n_a - 1) + vb * vb / (d.n_b - 1));
  d.half_width = student_t_quantile(0.5 + level / 2.0, d.df) * std::sqrt(se2);
  return d;
}

Slope ols_slope(const std::vector<double>& x, const std::vector<double>& y, double level) {
  check_level(level);
  if (x.size() != y.size())
    throw std::invalid_argument("ols_slope: " + std::to_string(x.size()) + " x values but " +
                                std::to_string(y.size()) + " y values");
  Slope s;
  s.n = static_cast<int>(x.size());
  if (s.n < 2) {
    s.estimate = s.half_width = kNaN;
    return s;
  }
  const double mx = mean_of(x), my = mean_of(y);
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx <= 0) {
    s.estimate = s.half_width = kNaN;
    return s;
  }
  s.estimate = sxy / sxx;
  if (s.n < 3) {
    s.half_width = kNaN;
    return s;
  }
  double rss = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - my - s.estimate * (x[i] - mx);
    rss += r * r;
  }
  const double se = std::sqrt(rss / (s.n - 2) / sxx);
  s.half_width = student_t_quantile(0.5 + level / 2.0, s.n - 2) * se;
  return s;
}

}  // namespace pgd::results
