#pragma once
// Accuracy and quadratic-weighted kappa (QWK) over integer labels, as scikit-learn computes them.
#include <cstdint>
#include <vector>

namespace pgd::runner {

double accuracy(const std::vector<int64_t>& labels, const std::vector<int64_t>& predicted);

// Cohen's kappa with quadratic weights over the full label range 0..num_classes-1, as
// sklearn.metrics.cohen_kappa_score(y, p, weights='quadratic', labels=range(K)).
// Where sklearn divides 0 by 0 (every label and prediction in one class) we return 1 when the
// predictions equal the labels and 0 otherwise, instead of NaN.
double quadratic_weighted_kappa(const std::vector<int64_t>& labels,
                                const std::vector<int64_t>& predicted, int64_t num_classes);

}  // namespace pgd::runner
