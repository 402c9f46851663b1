// Stratified folds: balanced per grade and in total, a partition, fixed by the seed.
#include "datasets/panda_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace pgd::data {
namespace {

std::vector<int64_t> uneven_grades() {
  // Counts 13, 7, 5, 9, 3, 11 interleaved, as a CSV sorted by id would mix them.
  const int counts[6] = {13, 7, 5, 9, 3, 11};
  std::vector<int64_t> grades;
  for (int round = 0; round < 13; ++round)
    for (int g = 0; g < 6; ++g)
      if (round < counts[g]) grades.push_back(g);
  return grades;
}

TEST(PandaSplit, EveryGradeIsSpreadEvenlyAndFoldsAreBalanced) {
  const auto grades = uneven_grades();
  for (int64_t folds : {2, 3, 5, 7}) {
    const auto fold_of = stratified_folds(grades, 6, folds, 42);
    ASSERT_EQ(fold_of.size(), grades.size());
    std::vector<std::vector<int>> count(folds, std::vector<int>(6, 0));
    std::vector<int> total(folds, 0);
    for (size_t i = 0; i < grades.size(); ++i) {
      ASSERT_GE(fold_of[i], 0);
      ASSERT_LT(fold_of[i], folds);
      ++count[fold_of[i]][grades[i]];
      ++total[fold_of[i]];
    }
    for (int g = 0; g < 6; ++g) {
      int lo = 1 << 30, hi = 0;
      for (int64_t f = 0; f < folds; ++f) {
        lo = std::min(lo, count[f][g]);
        hi = std::max(hi, count[f][g]);
      }
      EXPECT_LE(hi - lo, 1) << "grade " << g << ", " << folds << " folds";
    }
    EXPECT_LE(*std::max_element(total.begin(), total.end()) - *std::min_element(total.begin(), total.end()), 1);
  }
}

TEST(PandaSplit, SameSeedSameFoldsOtherSeedOtherFolds) {
  const auto grades = uneven_grades();
  const auto a = stratified_folds(grades, 6, 5, 42);
  EXPECT_EQ(a, stratified_folds(grades, 6, 5, 42));
  EXPECT_NE(a, stratified_folds(grades, 6, 5, 43));
}

TEST(PandaSplit, DealerCarriesAcrossGrades) {
  const std::vector<int64_t> grades = {0, 1, 0, 2, 1, 0, 5, 5, 3, 4};
  const auto f = stratified_folds(grades, 6, 3, 42);
  // grade 0 rows {0, 2, 5} get folds {0, 1, 2} in some order, grade 1 continues at fold 0.
  std::vector<int64_t> g0 = {f[0], f[2], f[5]};
  std::sort(g0.begin(), g0.end());
  EXPECT_EQ(g0, (std::vector<int64_t>{0, 1, 2}));
  std::vector<int64_t> g1 = {f[1], f[4]};
  std::sort(g1.begin(), g1.end());
  EXPECT_EQ(g1, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(f[3], 2);  // the only grade-2 row: the dealer is at fold 2 after five rows
}

TEST(PandaSplit, RejectsBadArguments) {
  EXPECT_THROW(stratified_folds({0, 1}, 6, 0, 1), std::invalid_argument);
  EXPECT_THROW(stratified_folds({0, 6}, 6, 2, 1), std::invalid_argument);
  EXPECT_THROW(stratified_folds({-1}, 6, 2, 1), std::invalid_argument);
}

}  // namespace
}  // namespace pgd::data
