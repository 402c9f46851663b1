#pragma once
// Stratified k-fold assignment on the ISUP grade, reproducible from a seed on every platform.
#include <cstdint>
#include <vector>

namespace pgd::data {

// grades: one label per row, each in 0..num_classes-1. Returns a fold in 0..folds-1 per row.
// Rows of each grade (grades in increasing order) are shuffled with a Fisher-Yates pass driven by
// std::mt19937_64(seed) and dealt round-robin; the dealer's position carries over from one
// grade to the next, so each fold's count of every grade, and each fold's total, differ by at
// most 1 between folds. (std::shuffle and std::uniform_int_distribution are not specified
// bit-for-bit by the standard, so the shuffle is written out to keep splits portable.)
// Throws std::invalid_argument for folds < 1 or a grade out of range.
std::vector<int64_t> stratified_folds(const std::vector<int64_t>& grades, int64_t num_classes,
                                      int64_t folds, uint64_t seed);

}  // namespace pgd::data
