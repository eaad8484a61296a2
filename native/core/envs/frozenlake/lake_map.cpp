#include "core/envs/frozenlake/lake_map.hpp"

#include "core/rng.hpp"

namespace gigpo::frozenlake {

bool hasPath(const LakeMap& map) {
  const int n = map.size;
  const uint32_t full = (1u << n) - 1;
  uint32_t reach[LakeMap::kMaxSize] = {};
  reach[map.startRow] = 1u << map.startCol;
  // Grow the reached set by one step in every direction until it stops growing.
  bool grew = true;
  while (grew) {
    grew = false;
    for (int r = 0; r < n; ++r) {
      uint32_t next = reach[r] | (reach[r] << 1) | (reach[r] >> 1);
      if (r > 0) next |= reach[r - 1];
      if (r + 1 < n) next |= reach[r + 1];
      next &= full & ~static_cast<uint32_t>(map.holes[r]);
      if (next != reach[r]) {
        reach[r] = next;
        grew = true;
      }
    }
  }
  return (reach[map.goalRow] >> map.goalCol) & 1u;
}

namespace {

// Every tile a hole unless its draw falls below `frozen` (row by row, one draw per tile).
void drawHoles(Pcg32& rng, int size, uint64_t frozen, LakeMap& map) {
  for (int r = 0; r < size; ++r) {
    uint32_t row = 0;
    for (int c = 0; c < size; ++c)
      if (rng.next() >= frozen) row |= 1u << c;
    map.holes[r] = static_cast<uint16_t>(row);
  }
}

}  // namespace

LakeMap generateLake(uint64_t seed, int size, uint64_t frozen) {
  LakeMap map;
  map.size = static_cast<uint8_t>(size);
  map.goalRow = map.goalCol = static_cast<uint8_t>(size - 1);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    Pcg32 rng(deriveSeed(seed, static_cast<uint64_t>(attempt)));
    drawHoles(rng, size, frozen, map);
    map.holes[0] &= static_cast<uint16_t>(~1u);
    map.holes[size - 1] &= static_cast<uint16_t>(~(1u << (size - 1)));
    if (hasPath(map)) return map;
  }
  map.holes[0] = 0;
  for (int r = 0; r < size; ++r) map.holes[r] &= static_cast<uint16_t>(~(1u << (size - 1)));
  return map;
}

LakeMap generateRagenLake(uint64_t seed, int size, uint64_t frozen) {
  LakeMap map;
  map.size = static_cast<uint8_t>(size);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    Pcg32 rng(deriveSeed(seed, static_cast<uint64_t>(attempt)));
    drawHoles(rng, size, frozen, map);
    const uint32_t n = static_cast<uint32_t>(size);
    map.startRow = static_cast<uint8_t>(rng.below(n));
    map.startCol = static_cast<uint8_t>(rng.below(n));
    map.goalRow = static_cast<uint8_t>(rng.below(n));
    map.goalCol = static_cast<uint8_t>(rng.below(n));
    if (map.startRow == map.goalRow && map.startCol == map.goalCol) continue;
    map.holes[map.startRow] &= static_cast<uint16_t>(~(1u << map.startCol));
    map.holes[map.goalRow] &= static_cast<uint16_t>(~(1u << map.goalCol));
    if (hasPath(map)) return map;
  }
  for (int r = 0; r < size; ++r) map.holes[r] = 0;
  if (map.startRow == map.goalRow && map.startCol == map.goalCol) map.goalCol = map.startCol == 0 ? 1 : 0;
  return map;
}

}  // namespace gigpo::frozenlake
