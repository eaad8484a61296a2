// A Sokoban position: a rectangular grid of cell flags plus the player's cell, in one
// fixed-size struct (no heap), so an environment copies and steps it without allocating.
// Cells are indexed row-major, index = row * width + col. Every level the engine accepts
// is enclosed: the player's region never touches the grid's edge, so a move or push never
// indexes outside the grid (loaders and the generator guarantee it).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace gigpo::sokoban {

constexpr int kMaxSide = 32;
constexpr int kMaxCells = kMaxSide * kMaxSide;

// Cell flags. A box and a target may share a cell; a wall is alone.
enum : uint8_t { kFloor = 0, kWall = 1, kTarget = 2, kBox = 4 };

// Actions: 0 up, 1 down, 2 left, 3 right.
enum Direction : int32_t { kUp = 0, kDown = 1, kLeft = 2, kRight = 3 };
constexpr int kNumDirections = 4;

struct Grid {
  uint8_t width = 0;
  uint8_t height = 0;
  uint16_t player = 0;
  uint16_t numBoxes = 0;
  uint16_t boxesOnTarget = 0;
  std::array<uint8_t, kMaxCells> cells{};

  int size() const { return int(width) * int(height); }
  // Cell offset of one step in direction d.
  int offset(int d) const {
    switch (d) {
      case kUp:
        return -int(width);
      case kDown:
        return int(width);
      case kLeft:
        return -1;
      default:
        return 1;
    }
  }
  bool solved() const { return boxesOnTarget == numBoxes; }
};

// What one move did. A blocked move (into a wall, or pushing a box into a wall or box)
// leaves the grid unchanged.
struct MoveOutcome {
  bool moved = false;
  bool pushed = false;
  int boxDelta = 0;  // change in boxes on targets: +1 pushed onto, -1 pushed off, 0 otherwise
};

// Applies the rules of one player move in direction d (0..3) to g.
inline MoveOutcome applyMove(Grid& g, int d) {
  MoveOutcome m;
  const int step = g.offset(d);
  const int next = int(g.player) + step;
  const uint8_t c = g.cells[next];
  if (c & kWall) return m;
  if (c & kBox) {
    const int beyond = next + step;
    const uint8_t b = g.cells[beyond];
    if (b & (kWall | kBox)) return m;
    g.cells[next] = static_cast<uint8_t>(c & ~kBox);
    g.cells[beyond] = static_cast<uint8_t>(b | kBox);
    m.pushed = true;
    m.boxDelta = ((b & kTarget) ? 1 : 0) - ((c & kTarget) ? 1 : 0);
    g.boxesOnTarget = static_cast<uint16_t>(g.boxesOnTarget + m.boxDelta);
  }
  g.player = static_cast<uint16_t>(next);
  m.moved = true;
  return m;
}

// Recounts numBoxes and boxesOnTarget from the cells (after building a grid by hand).
inline void recount(Grid& g) {
  g.numBoxes = 0;
  g.boxesOnTarget = 0;
  for (int i = 0; i < g.size(); ++i) {
    if (g.cells[i] & kBox) {
      ++g.numBoxes;
      if (g.cells[i] & kTarget) ++g.boxesOnTarget;
    }
  }
}

}  // namespace gigpo::sokoban
