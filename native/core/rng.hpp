// Deterministic random numbers. SplitMix64 derives seeds; PCG32 (XSH-RR) drives an
// environment. Both are fully specified integer recurrences, so a seed gives the same
// stream on every machine, compiler and thread count.
#pragma once
#include <cstdint>

namespace gigpo {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A seed derived from a base seed and a path of indices (group, episode, member ...).
// Different paths give independent-looking seeds; the same path always the same seed.
inline uint64_t deriveSeed(uint64_t base, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  uint64_t s = base;
  uint64_t x = splitmix64(s);
  s = x ^ (a * 0xD1B54A32D192ED03ull);
  x = splitmix64(s);
  s = x ^ (b * 0xAEF17502108EF2D9ull);
  x = splitmix64(s);
  s = x ^ (c * 0x9E3779B97F4A7C15ull);
  return splitmix64(s);
}

class Pcg32 {
 public:
  Pcg32() { seed(0); }
  explicit Pcg32(uint64_t s) { seed(s); }

  void seed(uint64_t s) {
    uint64_t sm = s;
    state_ = 0;
    inc_ = (splitmix64(sm) << 1u) | 1u;
    next();
    state_ += splitmix64(sm);
    next();
  }

  uint32_t next() {
    uint64_t old = state_;
    state_ = old * 6364136223846793005ull + inc_;
    uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
  }

  // Uniform integer in [0, bound) without modulo bias (Lemire's method).
  uint32_t below(uint32_t bound) {
    if (bound <= 1) return 0;
    uint64_t m = static_cast<uint64_t>(next()) * bound;
    uint32_t low = static_cast<uint32_t>(m);
    if (low < bound) {
      uint32_t threshold = (0u - bound) % bound;
      while (low < threshold) {
        m = static_cast<uint64_t>(next()) * bound;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform() {
    uint64_t hi = next(), lo = next();
    return static_cast<double>(((hi << 32) | lo) >> 11) * 0x1.0p-53;
  }

 private:
  uint64_t state_ = 0;
  uint64_t inc_ = 1;
};

}  // namespace gigpo
