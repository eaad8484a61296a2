// Level generation as verl-agent's Sokoban does it (profile 'verl-agent'; the rules
// restated from its description, written anew):
//  1. topology: a random walk of int(1.7 * (rows + cols)) steps from a random cell, turning
//     with probability 0.35, that stamps one of five 3x3 floor masks (a horizontal bar, a
//     vertical bar, and three corner shapes) around each cell it visits; then the border
//     becomes wall;
//  2. the player on a random floor cell, then each box (with its target under it) on a
//     random remaining floor cell; a room with no more floor cells than boxes + 1 is
//     redrawn from a new seed;
//  3. reverse play: a depth-first search over pull moves (a move that pulls the box behind
//     the player, if any), in the order up, down, left, right, with one visited set for
//     the whole search (a position is expanded once, at the first depth it is met), to
//     searchDepth - 2 moves and at most 300,000 positions. A position scores
//     (number of box switches) x (sum of each box's Manhattan distance from its target),
//     and 0 unless every target is uncovered (no box, no player on it); the first position
//     with the highest score is the level;
//  4. up to 4 rooms are tried until one scores > 0, else a new seed;
//  5. the player then wanders: with probability 0.8 (one box displaced by 1) or 0.5, it
//     makes 1..3 random moves onto free cells it has not stood on, continuing after each
//     with probability 0.5.
// Every level is solvable (reverse play from the solved position), mostly in few moves.
#pragma once
#include <cstdint>

#include "core/envs/sokoban/grid.hpp"

namespace gigpo::sokoban {

struct ReferenceGeneratorConfig {
  int dim = 6;
  int numBoxes = 1;
  int searchDepth = 30;
};

// Deterministic in (config, seed).
void generateReferenceLevel(const ReferenceGeneratorConfig& config, uint64_t seed, Grid& out);

}  // namespace gigpo::sokoban
