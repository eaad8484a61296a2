// A FrozenLake map: a size x size grid of frozen tiles and holes, a start and a goal tile
// (the top-left and bottom-right corners, except in RAGEN's maps). Holes are kept as one
// bit mask per row, which makes the map 36 bytes and the path check a few shifts per row.
#pragma once
#include <cstdint>

namespace gigpo::frozenlake {

struct LakeMap {
  static constexpr int kMaxSize = 16;
  uint8_t size = 4;
  uint16_t holes[kMaxSize] = {};  // bit c of holes[r]: tile (r, c) is a hole
  uint8_t startRow = 0, startCol = 0;
  uint8_t goalRow = 3, goalCol = 3;

  bool hole(int r, int c) const { return (holes[r] >> c) & 1u; }
  bool goal(int r, int c) const { return r == goalRow && c == goalCol; }
  int goalCell() const { return goalRow * size + goalCol; }
};

// Each tile but start and goal is frozen with probability frozen / 2^32. A map without a
// path from start to goal is redrawn from a sub-seed derived from `seed` and the attempt;
// after kMaxAttempts (only plausible with a low frozen probability on a large map) the
// top row and the right column are cleared, which always gives a path.
LakeMap generateLake(uint64_t seed, int size, uint64_t frozen);
constexpr int kMaxAttempts = 256;

// RAGEN's map (profile verl-agent): every tile is frozen with probability frozen / 2^32,
// then a start and a goal tile are drawn uniformly and independently; a draw where they
// coincide, or without a path between them, is redrawn whole. After kMaxAttempts failed
// draws the holes are cleared (a path then always exists).
LakeMap generateRagenLake(uint64_t seed, int size, uint64_t frozen);

// Whether the goal can be reached from the start over frozen tiles.
bool hasPath(const LakeMap& map);

}  // namespace gigpo::frozenlake
