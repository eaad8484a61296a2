// A fast 64-bit non-cryptographic hash over bytes (multiply-fold design, in the class of
// wyhash). Used for anchor states: equal bytes give equal hashes on every platform.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gigpo {

uint64_t hash64(const void* data, size_t length, uint64_t seed = 0);

inline uint64_t hash64(std::string_view bytes, uint64_t seed = 0) {
  return hash64(bytes.data(), bytes.size(), seed);
}

}  // namespace gigpo
