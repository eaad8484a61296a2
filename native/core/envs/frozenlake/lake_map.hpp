// A FrozenLake map: a size x size grid of frozen tiles and holes, start at the top-left
// corner and goal at the bottom-right one. Holes are kept as one bit mask per row, which
// makes the map 32 bytes and the path check a few shifts per row.
#pragma once
#include <cstdint>

namespace gigpo::frozenlake {

struct LakeMap {
  static constexpr int kMaxSize = 16;
  uint8_t size = 4;
  uint16_t holes[kMaxSize] = {};  // bit c of holes[r]: tile (r, c) is a hole

  bool hole(int r, int c) const { return (holes[r] >> c) & 1u; }
  bool goal(int r, int c) const { return r == size - 1 && c == size - 1; }
};

// Each tile but start and goal is frozen with probability frozen / 2^32. A map without a
// path from start to goal is redrawn from a sub-seed derived from `seed` and the attempt;
// after kMaxAttempts (only plausible with a low frozen probability on a large map) the
// top row and the right column are cleared, which always gives a path.
LakeMap generateLake(uint64_t seed, int size, uint64_t frozen);
constexpr int kMaxAttempts = 256;

// Whether the goal can be reached from the start over frozen tiles.
bool hasPath(const LakeMap& map);

}  // namespace gigpo::frozenlake
