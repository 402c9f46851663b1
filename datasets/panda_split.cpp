#include "datasets/panda_split.h"

#include <random>
#include <stdexcept>
#include <string>

namespace pgd::data {
namespace {

// Uniform in 0..bound-1 by rejection, so the draw sequence is fixed by mt19937_64 alone.
uint64_t draw_below(std::mt19937_64& rng, uint64_t bound) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t r;
  do {
    r = rng();
  } while (r >= limit);
  return r % bound;
}

}  // namespace

std::vector<int64_t> stratified_folds(const std::vector<int64_t>& grades, int64_t num_classes,
                                      int64_t folds, uint64_t seed) {
  if (folds < 1) throw std::invalid_argument("stratified_folds: folds must be >= 1");
  std::vector<std::vector<size_t>> by_grade(static_cast<size_t>(num_classes));
  for (size_t i = 0; i < grades.size(); ++i) {
    if (grades[i] < 0 || grades[i] >= num_classes)
      throw std::invalid_argument("stratified_folds: grade " + std::to_string(grades[i]) +
                                  " of row " + std::to_string(i) + " is outside 0.." +
                                  std::to_string(num_classes - 1));
    by_grade[static_cast<size_t>(grades[i])].push_back(i);
  }
  std::mt19937_64 rng(seed);
  std::vector<int64_t> fold_of(grades.size(), 0);
  int64_t dealer = 0;
  for (auto& rows : by_grade) {
    for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[draw_below(rng, i)]);
    for (size_t row : rows) {
      fold_of[row] = dealer;
      dealer = (dealer + 1) % folds;
    }
  }
  return fold_of;
}

}  // namespace pgd::data
