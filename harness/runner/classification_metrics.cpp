#include "harness/runner/classification_metrics.h"

#include <stdexcept>
#include <string>

namespace pgd::runner {
namespace {

void check_sizes(const std::vector<int64_t>& labels, const std::vector<int64_t>& predicted) {
  if (labels.size() != predicted.size())
    throw std::invalid_argument("metrics: " + std::to_string(labels.size()) + " labels but " +
                                std::to_string(predicted.size()) + " predictions");
}

}  // namespace

double accuracy(const std::vector<int64_t>& labels, const std::vector<int64_t>& predicted) {
  check_sizes(labels, predicted);
  if (labels.empty()) return 0.0;
  size_t hits = 0;
  for (size_t i = 0; i < labels.size(); ++i) hits += labels[i] == predicted[i];
  return static_cast<double>(hits) / static_cast<double>(labels.size());
}

double quadratic_weighted_kappa(const std::vector<int64_t>& labels,
                                const std::vector<int64_t>& predicted, int64_t num_classes) {
  check_sizes(labels, predicted);
  if (num_classes < 1) throw std::invalid_argument("metrics: num_classes must be >= 1");
  const auto k = static_cast<size_t>(num_classes);
  std::vector<double> observed(k * k, 0.0), row(k, 0.0), col(k, 0.0);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes || predicted[i] < 0 ||
        predicted[i] >= num_classes)
      throw std::invalid_argument("metrics: label or prediction outside 0.." +
                                  std::to_string(num_classes - 1));
    observed[labels[i] * k + predicted[i]] += 1;
    row[labels[i]] += 1;
    col[predicted[i]] += 1;
  }
  const double n = static_cast<double>(labels.size());
  if (n == 0) return 0.0;
  double num = 0, den = 0;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) {
      const double d = static_cast<double>(i) - static_cast<double>(j);
      num += d * d * observed[i * k + j];
      den += d * d * row[i] * col[j] / n;
    }
  if (den == 0) return num == 0 ? 1.0 : 0.0;
  return 1.0 - num / den;
}

}  // namespace pgd::runner
