// Dead-position analysis shared by the solver. Both tests are exact (they only reject
// positions that can never be solved), so pruning with them keeps the solver optimal.
//  - Dead squares: a box on a cell from which no target can be reached by pushes, even
//    with every other box gone, can never be solved. The same pull search gives, for each
//    target, the fewest pushes from each cell (the solver's heuristic).
//  - Frozen squares: four cells in a 2x2 square all holding walls or boxes, at least one
//    box off target: none of those boxes can ever move again.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/envs/sokoban/grid.hpp"

namespace gigpo::sokoban {

class PushDistances {
 public:
  static constexpr uint16_t kUnreachable = 0xFFFF;

  // Uses the walls and targets of g (boxes and player ignored).
  void compute(const Grid& g);

  int numTargets() const { return static_cast<int>(targets_.size()); }
  int target(int t) const { return targets_[t]; }
  // Fewest pushes moving a lone box from `cell` onto target t, or kUnreachable.
  uint16_t distance(int t, int cell) const { return dist_[size_t(t) * cells_ + cell]; }
  bool dead(int cell) const { return dead_[cell] != 0; }

 private:
  int cells_ = 0;
  std::vector<uint16_t> targets_;
  std::vector<uint16_t> dist_;  // numTargets x cells
  std::vector<uint8_t> dead_;
};

// True when a box at `cell` (flags in `cells`, width `width`) completes a frozen 2x2 square.
// `cell` must not be on the grid's edge.
bool frozenSquare(const uint8_t* cells, int width, int cell);

}  // namespace gigpo::sokoban
