#pragma once
// Small-sample statistics for the tables and claims: Student-t confidence intervals of a mean,
// Welch's interval for a difference of two means, and an ordinary least-squares slope with its
// interval. Checked against R / SciPy values in tests/results/statistics_test.cpp.
#include <vector>

namespace pgd::results {

// P(T <= t) for Student's t with `df` > 0 degrees of freedom (df may be fractional: Welch).
double student_t_cdf(double t, double df);
// The t with P(T <= t) = p, 0 < p < 1 (e.g. p = 0.975, df = 2 → 4.302653).
double student_t_quantile(double p, double df);

struct MeanInterval {
  double mean = 0;
  double sd = 0;          // sample standard deviation (0 when n < 2)
  double half_width = 0;  // of the `level` interval; NaN when n < 2 (no interval from one value)
  int n = 0;
};
// Mean of `values` with the two-sided Student-t interval at `level` (default 95 %).
MeanInterval mean_interval(const std::vector<double>& values, double level = 0.95);

struct Difference {
  double estimate = 0;    // mean(a) − mean(b)
  double half_width = 0;  // of the `level` interval; NaN when either side has n < 2
  double df = 0;          // Welch–Satterthwaite degrees of freedom
  int n_a = 0, n_b = 0;
  double low() const { return estimate - half_width; }
  double high() const { return estimate + half_width; }
  bool has_interval() const;  // both sides n >= 2
};
// Welch's two-sample interval for mean(a) − mean(b) (unequal variances). When both samples have
// zero variance the interval has zero width (df = n_a + n_b − 2).
Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b,
                            double level = 0.95);

struct Slope {
  double estimate = 0;
  double half_width = 0;  // NaN with fewer than 3 points
  int n = 0;
};
// Least-squares slope of y on x with its Student-t interval (n − 2 degrees of freedom).
Slope ols_slope(const std::vector<double>& x, const std::vector<double>& y, double level = 0.95);

}  // namespace pgd::results
