#include "harness/runner/classification_metrics.h"

#include <gtest/gtest.h>

namespace pgd::runner {
namespace {

TEST(Accuracy, CountsMatches) {
  EXPECT_DOUBLE_EQ(accuracy({0, 1, 2, 3}, {0, 1, 1, 3}), 0.75);
  EXPECT_DOUBLE_EQ(accuracy({}, {}), 0.0);
  EXPECT_THROW(accuracy({0, 1}, {0}), std::invalid_argument);
}

// Reference values: sklearn.metrics.cohen_kappa_score(y, p, weights='quadratic', labels=range(K)).
TEST(QuadraticWeightedKappa, MatchesScikitLearn) {
  EXPECT_NEAR(quadratic_weighted_kappa({0, 1, 2, 3, 4, 5, 0, 1}, {0, 2, 2, 3, 5, 5, 1, 1}, 6),
              0.9387755102040817, 1e-12);
  EXPECT_NEAR(quadratic_weighted_kappa({0, 0, 1, 1, 2, 2}, {2, 2, 1, 1, 0, 0}, 3), -1.0, 1e-12);
  EXPECT_NEAR(quadratic_weighted_kappa({0, 1, 2}, {0, 1, 1}, 6), 2.0 / 3.0, 1e-12);
}

TEST(QuadraticWeightedKappa, PerfectAgreementIsOne) {
  EXPECT_DOUBLE_EQ(quadratic_weighted_kappa({0, 3, 5, 2}, {0, 3, 5, 2}, 6), 1.0);
}

// sklearn returns NaN (0/0) when every label and prediction is one class; we define it.
TEST(QuadraticWeightedKappa, OneClassInBothIsDefined) {
  EXPECT_DOUBLE_EQ(quadratic_weighted_kappa({2, 2, 2}, {2, 2, 2}, 6), 1.0);
  // One class each, but different ones: no agreement beyond chance.
  EXPECT_DOUBLE_EQ(quadratic_weighted_kappa({1, 1, 1}, {4, 4, 4}, 6), 0.0);
}

TEST(QuadraticWeightedKappa, RejectsLabelsOutsideRange) {
  EXPECT_THROW(quadratic_weighted_kappa({0, 6}, {0, 1}, 6), std::invalid_argument);
  EXPECT_THROW(quadratic_weighted_kappa({0, 1}, {0, -1}, 6), std::invalid_argument);
}

}  // namespace
}  // namespace pgd::runner
