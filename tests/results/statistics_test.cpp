// Confidence intervals against published values (R's qt, t.test) and hand calculations.
#include <gtest/gtest.h>

#include <cmath>

#include "results/src/statistics.h"

namespace pgd::results {
namespace {

TEST(Statistics, StudentQuantilesMatchTables) {
  // R: qt(0.975, df)
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.7062047362, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.30265272975, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.77644510520, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.22813885196, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.95, 30), 1.69726088659, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.95996398454, 1e-6);  // → the normal's
  EXPECT_NEAR(student_t_quantile(0.025, 4), -2.77644510520, 1e-9);
  // Fractional degrees of freedom (Welch): the quantile inverts the CDF.
  EXPECT_NEAR(student_t_cdf(student_t_quantile(0.975, 5.52), 5.52), 0.975, 1e-12);
  EXPECT_NEAR(student_t_cdf(0, 3), 0.5, 1e-15);
  EXPECT_THROW(student_t_quantile(1.0, 3), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.5, 0), std::invalid_argument);
}

TEST(Statistics, MeanIntervalIsStudentT) {
  const MeanInterval r = mean_interval({1, 2, 3});
  EXPECT_DOUBLE_EQ(r.mean, 2);
  EXPECT_DOUBLE_EQ(r.sd, 1);
  EXPECT_NEAR(r.half_width, 4.30265272975 / std::sqrt(3.0), 1e-9);
  EXPECT_EQ(r.n, 3);
  const MeanInterval one = mean_interval({0.7});
  EXPECT_DOUBLE_EQ(one.mean, 0.7);
  EXPECT_TRUE(std::isnan(one.half_width)) << "one value has no interval";
  EXPECT_EQ(mean_interval({5, 5, 5}).half_width, 0);
}

TEST(Statistics, WelchMatchesRsSleepExample) {
  // R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776,
  // 95 percent confidence interval -3.3654832 0.2054832.
  const std::vector<double> g1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
  const std::vector<double> g2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
  const Difference d = welch_difference(g1, g2);
  EXPECT_NEAR(d.estimate, -1.58, 1e-12);
  EXPECT_NEAR(d.df, 17.776, 1e-3);
  EXPECT_NEAR(d.low(), -3.3654832, 1e-6);
  EXPECT_NEAR(d.high(), 0.2054832, 1e-6);
  EXPECT_TRUE(d.has_interval());
}

TEST(Statistics, WelchEdgeCases) {
  const Difference exact = welch_difference({0.5, 0.5}, {0.25, 0.25});
  EXPECT_DOUBLE_EQ(exact.estimate, 0.25);
  EXPECT_EQ(exact.half_width, 0);
  EXPECT_TRUE(exact.has_interval());
  const Difference single = welch_difference({0.5}, {0.25, 0.3});
  EXPECT_FALSE(single.has_interval()) << "one seed gives no interval";
  EXPECT_TRUE(std::isnan(welch_difference({}, {1, 2}).estimate));
}

TEST(Statistics, SlopeInterval) {
  const Slope exact = ols_slope({1, 2, 3, 4}, {3, 5, 7, 9});
  EXPECT_DOUBLE_EQ(exact.estimate, 2);
  EXPECT_NEAR(exact.half_width, 0, 1e-12);
  // y = 0, 1, 1, 3 on x = 0..3: slope 0.9, residuals 0.1, 0.2, -0.7, 0.4 → RSS 0.7,
  // se = sqrt(0.7 / 2 / 5), half-width = qt(0.975, 2) × se.
  const Slope noisy = ols_slope({0, 1, 2, 3}, {0, 1, 1, 3});
  EXPECT_NEAR(noisy.estimate, 0.9, 1e-12);
  EXPECT_NEAR(noisy.half_width, 4.30265272975 * std::sqrt(0.07), 1e-9);
  EXPECT_TRUE(std::isnan(ols_slope({1, 2}, {1, 2}).half_width));
  EXPECT_THROW(ols_slope({1, 2}, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace pgd::results
