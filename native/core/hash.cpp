#include "core/hash.hpp"

#include <cstring>

namespace gigpo {
namespace {

constexpr uint64_t kP0 = 0xA0761D6478BD642Full;
constexpr uint64_t kP1 = 0xE7037ED1A0B428DBull;
constexpr uint64_t kP2 = 0x8EBC6AF09C88C6E3ull;
constexpr uint64_t kP3 = 0x589965CC75374CC3ull;

// 64x64 -> 128-bit multiply, folded back to 64 bits by xor of the halves.
inline uint64_t fold(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// Little-endian loads, so the hash is the same on any host byte order.
inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

inline uint64_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return v;
}

// 1..3 bytes packed without a branch per byte.
inline uint64_t loadSmall(const uint8_t* p, size_t n) {
  return (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[n >> 1]) << 8) | p[n - 1];
}

}  // namespace

uint64_t hash64(const void* data, size_t length, uint64_t seed) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  size_t n = length;
  seed ^= fold(seed ^ kP0, kP1);
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 4) {
      // Two overlapping 4-byte reads from each end cover 4..16 bytes.
      a = (load32(p) << 32) | load32(p + ((n >> 3) << 2));
      b = (load32(p + n - 4) << 32) | load32(p + n - 4 - ((n >> 3) << 2));
    } else if (n > 0) {
      a = loadSmall(p, n);
    }
  } else {
    if (n > 48) {
      uint64_t s1 = seed, s2 = seed;
      do {
        seed = fold(load64(p) ^ kP1, load64(p + 8) ^ seed);
        s1 = fold(load64(p + 16) ^ kP2, load64(p + 24) ^ s1);
        s2 = fold(load64(p + 32) ^ kP3, load64(p + 40) ^ s2);
        p += 48;
        n -= 48;
      } while (n > 48);
      seed ^= s1 ^ s2;
    }
    while (n > 16) {
      seed = fold(load64(p) ^ kP1, load64(p + 8) ^ seed);
      p += 16;
      n -= 16;
    }
    a = load64(p + n - 16);
    b = load64(p + n - 8);
  }
  a ^= kP1;
  b ^= seed;
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  a = static_cast<uint64_t>(r);
  b = static_cast<uint64_t>(r >> 64);
  return fold(a ^ kP0 ^ length, b ^ kP1);
}

}  // namespace gigpo
