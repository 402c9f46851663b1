#pragma once
// Median wall time of a step, warm-up excluded; synchronizes CUDA so GPU time is counted.
#include <cstdint>
#include <functional>

#include <c10/core/Device.h>

namespace pgd::runner {

double median_seconds(int64_t warmup, int64_t steps, const std::function<void()>& step,
                      c10::Device device);

}  // namespace pgd::runner
