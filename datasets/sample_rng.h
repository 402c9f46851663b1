#pragma once
// Per-sample random streams: sample i of a split is a pure function of (seed, split, i), so any
// sample can be made on demand, in any order, on any thread, and twice with the same bytes.
//
// Only the raw output of std::mt19937_64 is used (the standard fixes it); the distributions
// below are ours because std::uniform_int_distribution and friends differ between standard
// libraries, which would make the same seed give different datasets on different machines.
#include <cstdint>
#include <random>

namespace pgd::data {

// SplitMix64's finalizer over x + golden ratio: a bijective 64-bit mixer.
inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Folds b into the running hash a; order matters, so (a, b) and (b, a) give different keys.
inline uint64_t hash_combine(uint64_t a, uint64_t b) { return splitmix64(a ^ splitmix64(b)); }

// Streams of different consumers (UltraMNIST images, synthetic images, loader shuffles) are told
// apart by a domain word, so the same (seed, index) never gives two consumers correlated draws.
enum class RngDomain : uint64_t {
  UltraMnist = 0x756d6e6973ULL,
  Synthetic = 0x73796e7468ULL,
  Shuffle = 0x7368756666ULL
};

inline std::mt19937_64 make_sample_rng(uint64_t seed, RngDomain domain, uint64_t split,
                                       uint64_t index) {
  uint64_t key =
      hash_combine(hash_combine(hash_combine(seed, static_cast<uint64_t>(domain)), split), index);
  return std::mt19937_64(key);
}

// Uniform integer in [0, n), n > 0, without modulo bias (rejection of the short top range).
inline uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) {
  const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
  for (;;) {
    uint64_t r = rng();
    if (r >= threshold) return r % n;
  }
}

// Uniform integer in [lo, hi], lo <= hi.
inline int64_t uniform_int(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(uniform_below(rng, static_cast<uint64_t>(hi - lo) + 1));
}

// Uniform double in [0, 1) with 53 random bits.
inline double uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace pgd::data
