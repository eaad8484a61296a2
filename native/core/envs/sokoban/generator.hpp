// Level generation by reverse play (the method of gym-sokoban / RAGEN, written anew):
//  1. a room: a border of walls around an interior carved by a random walk;
//  2. the solved position: targets on random floor cells, a box on each, the player on
//     another random floor cell;
//  3. reverse play: a breadth-first search over the player's moves from the solved
//     position up to `searchDepth` moves, where a move may pull the box behind the player
//     (a pull is a push played backwards);
//  4. the level is the position, among those with at least one box off target, whose
//     boxes moved farthest from their own targets (sum of Manhattan distances); ties go
//     to the one found last, i.e. the most moves, which leaves the player away from the
//     boxes (the first found has the player next to the box it just pulled, which makes
//     most small levels one or two moves long).
// Playing the reverse moves forwards solves the level, so every level is solvable in at
// most `searchDepth` moves. A room where reverse play moves no box is degenerate and is
// redrawn from a derived seed. After kRandomRooms such rooms the interior is left fully
// open and reverse play starts from every free cell at once; after kOpenRooms more, a
// fixed layout that always allows a pull ends the search, so generation never fails.
// Time is bounded by the attempt count and kMaxStates positions per search.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "core/envs/sokoban/grid.hpp"
#include "core/envs/sokoban/state_table.hpp"
#include "core/rng.hpp"

namespace gigpo::sokoban {

struct GeneratorConfig {
  int dim = 6;  // side of the square room, border walls included
  int numBoxes = 1;
  int searchDepth = 15;  // reverse-play moves
};

class Generator {
 public:
  static constexpr int kMaxBoxes = 8;
  static constexpr int kRandomRooms = 32;
  static constexpr int kOpenRooms = 32;
  static constexpr uint32_t kMaxStates = 50000;
  static constexpr uint64_t kDirectTuples = uint64_t{1} << 16;  // bitmap visited set up to 8 KiB

  // Deterministic in (config, seed). Reuses its scratch: no allocation once warmed up.
  void generate(const GeneratorConfig& config, uint64_t seed, Grid& out);

 private:
  enum class Layout { RandomRoom, OpenRoom, Fixed };

  void carveRoom(const GeneratorConfig& config, Pcg32& rng, bool open, Grid& g);
  // Puts the targets on floor_[0..numBoxes) and the drawn player cell at floor_[numBoxes].
  bool placeTargets(const GeneratorConfig& config, Pcg32& rng, Layout layout, Grid& g);
  bool reversePlay(const GeneratorConfig& config, bool anyStart, Grid& g);

  using Key = std::array<uint16_t, kMaxBoxes + 1>;

  StateTable states_;
  std::vector<uint64_t> visitedBits_;
  std::vector<Key> queue_;
  std::vector<uint16_t> depth_;
  std::vector<uint16_t> floor_;
};

}  // namespace gigpo::sokoban
