#include "core/envs/sokoban/generator.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

namespace gigpo::sokoban {
namespace {

constexpr int kDr[kNumDirections] = {-1, 1, 0, 0};
constexpr int kDc[kNumDirections] = {0, 0, -1, 1};

}  // namespace

void Generator::generate(const GeneratorConfig& config, uint64_t seed, Grid& out) {
  constexpr int kLast = kRandomRooms + kOpenRooms;
  for (int attempt = 0; attempt <= kLast; ++attempt) {
    const Layout layout = attempt < kRandomRooms ? Layout::RandomRoom
                          : attempt < kLast      ? Layout::OpenRoom
                                                 : Layout::Fixed;
    // Attempt 0 uses the level seed itself; redraws use derived sub-seeds.
    Pcg32 rng(attempt == 0 ? seed : deriveSeed(seed, 0x536F6B6Full, static_cast<uint64_t>(attempt)));
    carveRoom(config, rng, layout != Layout::RandomRoom, out);
    if (placeTargets(config, rng, layout, out) && reversePlay(config, layout != Layout::RandomRoom, out)) return;
  }
  // The fixed layout always allows a first pull (see placeTargets), so this is not reached.
  throw std::logic_error("sokoban: no level after " + std::to_string(kLast + 1) + " rooms");
}

void Generator::carveRoom(const GeneratorConfig& config, Pcg32& rng, bool open, Grid& g) {
  const int dim = config.dim, inner = dim - 2;
  g.width = g.height = static_cast<uint8_t>(dim);
  for (int i = 0; i < dim * dim; ++i) g.cells[i] = kWall;
  auto interior = [&](int r, int c) { return r >= 1 && c >= 1 && r <= inner && c <= inner; };
  auto carve = [&](int r, int c) {
    if (interior(r, c)) g.cells[r * dim + c] = kFloor;
  };
  if (open) {
    for (int r = 1; r <= inner; ++r)
      for (int c = 1; c <= inner; ++c) carve(r, c);
    return;
  }
  // A random walk that turns now and then and sometimes widens its track sideways.
  int r = 1 + static_cast<int>(rng.below(inner)), c = 1 + static_cast<int>(rng.below(inner));
  int dir = static_cast<int>(rng.below(kNumDirections));
  const int steps = 3 * dim;
  for (int s = 0; s < steps; ++s) {
    carve(r, c);
    if (rng.below(3) == 0) {
      const int side = dir < 2 ? 2 + static_cast<int>(rng.below(2)) : static_cast<int>(rng.below(2));
      carve(r + kDr[side], c + kDc[side]);
    }
    if (rng.below(100) < 35) dir = static_cast<int>(rng.below(kNumDirections));
    if (!interior(r + kDr[dir], c + kDc[dir])) {
      int choices[kNumDirections], n = 0;
      for (int d = 0; d < kNumDirections; ++d)
        if (interior(r + kDr[d], c + kDc[d])) choices[n++] = d;
      dir = choices[rng.below(n)];
    }
    r += kDr[dir];
    c += kDc[dir];
  }
}

bool Generator::placeTargets(const GeneratorConfig& config, Pcg32& rng, Layout layout, Grid& g) {
  const int n = config.numBoxes;
  floor_.clear();
  for (int i = 0; i < g.size(); ++i)
    if (g.cells[i] == kFloor) floor_.push_back(static_cast<uint16_t>(i));
  if (floor_.size() < static_cast<size_t>(n) + 2) return false;
  if (layout == Layout::Fixed) {
    // Box 0 in the top-left interior corner, the others in the last interior cells
    // counting back. With numBoxes <= (dim-2)^2/4 the two cells below box 0 stay free, so
    // a player there can pull it down.
    std::rotate(floor_.begin() + 1, floor_.end() - (n - 1), floor_.end());
    std::reverse(floor_.begin() + 1, floor_.begin() + n);
  } else {
    // Partial Fisher-Yates: the first n cells are targets (with boxes), the next the player.
    for (int i = 0; i <= n; ++i) std::swap(floor_[i], floor_[i + rng.below(static_cast<uint32_t>(floor_.size()) - i)]);
  }
  for (int i = 0; i < n; ++i) g.cells[floor_[i]] |= kTarget;
  return true;
}

bool Generator::reversePlay(const GeneratorConfig& config, bool anyStart, Grid& g) {
  const int n = config.numBoxes, w = g.width;
  // Row and column of each cell, so scoring needs no division.
  std::array<uint8_t, kMaxCells> row, col;
  for (int r = 0, i = 0; r < g.height; ++r)
    for (int c = 0; c < w; ++c, ++i) row[i] = static_cast<uint8_t>(r), col[i] = static_cast<uint8_t>(c);

  // Key: player cell, then box i's cell; box i started on target floor_[i].
  const uint32_t keyLength = static_cast<uint32_t>(n) + 1;
  Key start{};
  start[0] = floor_[n];
  for (int i = 0; i < n; ++i) start[1 + i] = floor_[i];
  // Visited set: a bitmap over all (player, box...) cell tuples when that is small (the
  // common small rooms), else the hash table.
  uint64_t tuples = 1;
  for (uint32_t k = 0; k < keyLength && tuples <= kDirectTuples; ++k) tuples *= static_cast<uint64_t>(g.size());
  const bool direct = tuples <= kDirectTuples;
  if (direct)
    visitedBits_.assign((tuples + 63) / 64, 0);
  else
    states_.reset(keyLength);
  auto firstVisit = [&](const Key& key) {
    if (!direct) {
      bool inserted = false;
      states_.insert(key.data(), inserted);
      return inserted;
    }
    uint64_t index = 0;
    for (uint32_t k = keyLength; k-- > 0;) index = index * static_cast<uint64_t>(g.size()) + key[k];
    uint64_t& word = visitedBits_[index >> 6];
    const uint64_t bit = uint64_t{1} << (index & 63);
    if (word & bit) return false;
    word |= bit;
    return true;
  };
  // The solved position's player: the drawn cell, or (anyStart) every free cell at once,
  // since where the player ends a solution does not matter.
  queue_.clear();
  depth_.clear();
  for (size_t f = n; f < (anyStart ? floor_.size() : static_cast<size_t>(n) + 1); ++f) {
    start[0] = floor_[f];
    firstVisit(start);
    queue_.push_back(start);
    depth_.push_back(0);
  }

  uint32_t best = 0;
  int bestScore = 0;
  auto boxAt = [&](const Key& key, int cell) {
    for (int i = 0; i < n; ++i)
      if (key[1 + i] == cell) return i;
    return -1;
  };
  auto consider = [&](const Key& key, uint16_t depth) {
    if (queue_.size() >= kMaxStates || !firstVisit(key)) return;
    queue_.push_back(key);
    depth_.push_back(depth);
    int displacement = 0;
    bool offTarget = false;
    for (int i = 0; i < n; ++i) {
      const int b = key[1 + i], t = floor_[i];
      displacement += std::abs(row[b] - row[t]) + std::abs(col[b] - col[t]);
      offTarget = offTarget || !(g.cells[b] & kTarget);
    }
    if (offTarget && displacement >= bestScore) {
      bestScore = displacement;
      best = static_cast<uint32_t>(queue_.size() - 1);
    }
  };
  // Breadth-first: queue_ holds every position found, in order of discovery.
  for (size_t q = 0; q < queue_.size() && depth_[q] < config.searchDepth; ++q) {
    const Key cur = queue_[q];
    const int player = cur[0];
    const uint16_t depth = static_cast<uint16_t>(depth_[q] + 1);
    for (int d = 0; d < kNumDirections; ++d) {
      const int to = player + g.offset(d);
      if ((g.cells[to] & kWall) || boxAt(cur, to) >= 0) continue;
      Key next = cur;
      next[0] = static_cast<uint16_t>(to);
      consider(next, depth);
      const int pulled = boxAt(cur, player - g.offset(d));
      if (pulled >= 0) {
        next[1 + pulled] = static_cast<uint16_t>(player);
        consider(next, depth);
      }
    }
  }
  if (bestScore == 0) return false;
  const Key& key = queue_[best];
  for (int i = 0; i < n; ++i) g.cells[key[1 + i]] |= kBox;
  g.player = key[0];
  recount(g);
  return true;
}

}  // namespace gigpo::sokoban
