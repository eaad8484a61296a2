#include "core/action_draw.hpp"

#include <cmath>
#include <vector>

#include "core/rng.hpp"

namespace gigpo {

uint32_t streamNext(uint32_t* s) {
  const uint32_t a = s[0], b = s[1], c = s[2], d = s[3];
  const uint32_t t = a + b + d;
  s[3] = d + 1;
  s[0] = b ^ (b >> 9);
  s[1] = c + (c << 3);
  s[2] = ((c << 21) | (c >> 11)) + t;
  return t;
}

void seedActionStreams(uint64_t seed, uint64_t first, size_t count, uint32_t* state) {
  for (size_t i = 0; i < count; ++i) {
    uint64_t key = seed ^ ((first + i + 1) * 0xD1B54A32D192ED03ull);
    const uint64_t x = splitmix64(key);
    const uint64_t y = splitmix64(key);
    uint32_t* s = state + kStreamWords * i;
    s[0] = static_cast<uint32_t>(x);
    s[1] = static_cast<uint32_t>(x >> 32);
    s[2] = static_cast<uint32_t>(y);
    s[3] = 1;
    for (int k = 0; k < 12; ++k) streamNext(s);
  }
}

namespace {

// In [0, 1): next / 2^32, as a double (exact).
double uniform(uint32_t* s) {
  return static_cast<double>(streamNext(s)) / 4294967296.0;
}

// floor(u * bound) in double arithmetic, as TypeScript computes it.
int32_t below(uint32_t* s, size_t bound) {
  return static_cast<int32_t>(std::floor(uniform(s) * static_cast<double>(bound)));
}

}  // namespace

void drawActions(BatchBase& batch, uint32_t* state, const uint8_t* active, const ActionDraw& draw, int32_t* actions) {
  const BatchShape& shape = batch.shape();
  const size_t n = shape.numEnvs;
  std::vector<int32_t> best;
  if (draw.oracle) {
    best.resize(n);
    batch.oracleActions(best.data());
  }
  for (size_t i = 0; i < n; ++i) {
    if (!active[i]) {
      actions[i] = kHoldAction;
      continue;
    }
    uint32_t* s = state + kStreamWords * i;
    if (draw.oracle && !(draw.epsilon > 0 && uniform(s) < draw.epsilon)) {
      actions[i] = best[i];
      continue;
    }
    if (draw.overAdmissible) {
      const std::vector<int32_t> ids = batch.admissibleActions(static_cast<uint32_t>(i));
      if (!ids.empty()) {
        actions[i] = ids[static_cast<size_t>(below(s, ids.size()))];
        continue;
      }
    }
    actions[i] = below(s, static_cast<size_t>(shape.numActions));
  }
}

}  // namespace gigpo
