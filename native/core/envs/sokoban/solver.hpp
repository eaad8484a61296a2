// A Sokoban solver that returns a plan with the fewest player moves (each move is one
// environment step), found by A* over push states.
//
// A state is (the set of box cells, the player's cell right after the last push). An
// edge is one push: the player walks by a shortest path to the cell behind a box and
// pushes it one cell; its cost is walk length + 1. The heuristic is the cheapest
// assignment of boxes to distinct targets by lone-box push distance (push count is a
// lower bound on moves). It is consistent (one push changes it by at most 1), so the
// first goal state taken off the queue is optimal: when `solved` is true the plan IS a
// shortest solution in moves. Pruning removes only provably dead positions (dead squares,
// frozen 2x2 squares, boxes with no distinct target in reach), which keeps that guarantee.
// The node budget bounds the states the search stores (memory: about 50 bytes per state
// for 4 boxes, so the default 1M is ~50 MB); the search may overshoot it by one
// expansion's successors. When it runs out first, the result says so and holds no plan;
// `solved == false && !budgetExhausted` proves the level unsolvable.
#pragma once
#include <cstdint>
#include <vector>

#include "core/envs/sokoban/deadlock.hpp"
#include "core/envs/sokoban/grid.hpp"
#include "core/envs/sokoban/state_table.hpp"

namespace gigpo::sokoban {

struct SolveResult {
  bool solved = false;
  bool budgetExhausted = false;
  std::vector<int32_t> plan;  // directions 0..3, one per move; empty when already solved
  uint32_t pushes = 0;
  uint64_t nodesExpanded = 0;   // states taken off the queue and expanded
  uint64_t nodesGenerated = 0;  // distinct states stored (what the budget bounds)
};

class Solver {
 public:
  static constexpr uint64_t kDefaultBudget = 1000000;
  static constexpr uint64_t kMaxBudget = 10000000;  // ~0.5-0.7 GB for 4-9 boxes
  static constexpr int kMaxBoxes = 64;

  // Throws RangeError when the level has more than kMaxBoxes boxes.
  SolveResult solve(const Grid& level, uint64_t nodeBudget);

 private:
  struct Node {
    uint32_t g;
    uint32_t parent;
    uint32_t h;
    uint16_t pushedFrom;  // the box's cell before the push that made this state
    uint8_t pushDir;
    uint8_t closed;
  };

  static constexpr uint32_t kInfinite = 0xFFFFFFFFu;

  // kInfinite when the boxes cannot all reach distinct targets.
  uint32_t heuristic(const uint16_t* boxes);
  SolveResult reconstruct(uint32_t goal, SolveResult counts);
  // Shortest walks from `from` over cells free of walls and of the boxes set in cells_.
  void walkDistances(int from);
  void appendWalk(const uint16_t* parentKey, int to, std::vector<int32_t>& plan);
  void setBoxes(const uint16_t* boxes, uint8_t bit);

  Grid level_;
  int numBoxes_ = 0;
  std::vector<uint8_t> cells_;  // walls and targets, plus kBox for the state being expanded
  PushDistances push_;
  StateTable table_;
  std::vector<Node> nodes_;
  // Walk search scratch: reach_[c] == stamp_ marks cells reached in the current search.
  std::vector<uint32_t> reach_;
  std::vector<uint16_t> walk_;
  std::vector<uint8_t> walkDir_;
  std::vector<uint16_t> queue_;
  uint32_t stamp_ = 0;
  std::vector<uint32_t> matching_;
};

}  // namespace gigpo::sokoban
