#pragma once
// The largest batch that fits under a memory cap, found by trying real training steps.
#include <cstdint>
#include <functional>

namespace pgd::runner {

// `probe(b)` runs one step at batch b and throws an out-of-memory error when it does not fit.
// Doubles from `lower` until a probe fails or `upper` is reached, then bisects between the last
// fit and the first failure. Returns 0 when even `lower` does not fit. Other errors propagate.
int64_t largest_fitting_batch(int64_t upper, const std::function<void(int64_t)>& probe,
                              int64_t lower = 1);

}  // namespace pgd::runner
