// The FrozenLake oracle's plan: one action per tile (2 bits each, a uint32 per row).
// Without slipping: a step along a shortest path to the goal (breadth-first distances),
// so the oracle always wins. With slipping: the action that maximises the discounted
// chance of reaching the goal (value iteration over the 1/3-1/3-1/3 dynamics).
#pragma once
#include <cstdint>

#include "core/envs/frozenlake/lake_map.hpp"

namespace gigpo::frozenlake {

enum Move : int32_t { kLeft = 0, kDown = 1, kRight = 2, kUp = 3 };

// The tile one move away, staying in place at the edge of the map.
inline void applyMove(const LakeMap& map, int32_t move, int& r, int& c) {
  if (move == kLeft && c > 0) --c;
  if (move == kDown && r + 1 < map.size) ++r;
  if (move == kRight && c + 1 < map.size) ++c;
  if (move == kUp && r > 0) --r;
}

// policy[r] holds the move for (r, c) in bits 2c..2c+1.
void planLake(const LakeMap& map, bool slippery, uint32_t* policy);

inline int32_t plannedMove(const uint32_t* policy, int r, int c) {
  return static_cast<int32_t>((policy[r] >> (2 * c)) & 3u);
}

}  // namespace gigpo::frozenlake
