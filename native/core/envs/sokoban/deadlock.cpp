#include "core/envs/sokoban/deadlock.hpp"

namespace gigpo::sokoban {

void PushDistances::compute(const Grid& g) {
  const int w = g.width, h = g.height;
  cells_ = g.size();
  targets_.clear();
  for (int i = 0; i < cells_; ++i)
    if (g.cells[i] & kTarget) targets_.push_back(static_cast<uint16_t>(i));
  dist_.assign(targets_.size() * size_t(cells_), kUnreachable);
  dead_.assign(cells_, 1);
  auto open = [&](int r, int c) { return r >= 0 && c >= 0 && r < h && c < w && !(g.cells[r * w + c] & kWall); };
  static constexpr int kDr[kNumDirections] = {-1, 1, 0, 0}, kDc[kNumDirections] = {0, 0, -1, 1};
  std::vector<uint16_t> queue(cells_);
  for (size_t t = 0; t < targets_.size(); ++t) {
    uint16_t* dist = dist_.data() + t * cells_;
    size_t head = 0, tail = 0;
    dist[targets_[t]] = 0;
    queue[tail++] = targets_[t];
    // Pulling backwards: a box reached `cell` by a push in direction d from cell - d,
    // with the player at cell - 2d; both must be open.
    while (head < tail) {
      const int cell = queue[head++];
      const int r = cell / w, c = cell % w;
      for (int d = 0; d < kNumDirections; ++d) {
        const int r1 = r - kDr[d], c1 = c - kDc[d];
        if (!open(r1, c1) || !open(r1 - kDr[d], c1 - kDc[d])) continue;
        const int from = r1 * w + c1;
        if (dist[from] != kUnreachable) continue;
        dist[from] = static_cast<uint16_t>(dist[cell] + 1);
        queue[tail++] = static_cast<uint16_t>(from);
      }
    }
    for (int i = 0; i < cells_; ++i)
      if (dist[i] != kUnreachable) dead_[i] = 0;
  }
}

bool frozenSquare(const uint8_t* cells, int width, int cell) {
  const int corners[4] = {cell, cell - 1, cell - width, cell - width - 1};  // top-left of each square
  for (int tl : corners) {
    const int square[4] = {tl, tl + 1, tl + width, tl + width + 1};
    bool blocked = true, boxOffTarget = false;
    for (int s : square) {
      const uint8_t f = cells[s];
      if (!(f & (kWall | kBox))) {
        blocked = false;
        break;
      }
      if ((f & kBox) && !(f & kTarget)) boxOffTarget = true;
    }
    if (blocked && boxOffTarget) return true;
  }
  return false;
}

}  // namespace gigpo::sokoban
