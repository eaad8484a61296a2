#include "core/envs/sokoban/solver.hpp"

#include <algorithm>
#include <string>

#include "core/errors.hpp"

namespace gigpo::sokoban {
namespace {

struct QueueEntry {
  uint32_t f;
  uint32_t h;
  uint32_t id;
};

// Heap order: the top is the lowest f, then the lowest h (closest to a goal), then the
// newest state. Fully deterministic.
struct After {
  bool operator()(const QueueEntry& a, const QueueEntry& b) const {
    if (a.f != b.f) return a.f > b.f;
    if (a.h != b.h) return a.h > b.h;
    return a.id < b.id;
  }
};

}  // namespace

void Solver::setBoxes(const uint16_t* boxes, uint8_t bit) {
  for (int i = 0; i < numBoxes_; ++i) cells_[boxes[i]] = static_cast<uint8_t>((cells_[boxes[i]] & ~kBox) | bit);
}

uint32_t Solver::heuristic(const uint16_t* boxes) {
  const int n = numBoxes_;
  if (n <= 8) {
    // Cheapest assignment of boxes to distinct targets: DP over the set of used targets,
    // box k taking a target when k targets are used.
    matching_.assign(size_t(1) << n, kInfinite);
    matching_[0] = 0;
    for (uint32_t mask = 0; mask + 1 < (1u << n); ++mask) {
      const uint32_t base = matching_[mask];
      if (base == kInfinite) continue;
      const int box = __builtin_popcount(mask);
      for (int t = 0; t < n; ++t) {
        if (mask & (1u << t)) continue;
        const uint16_t d = push_.distance(t, boxes[box]);
        if (d == PushDistances::kUnreachable) continue;
        uint32_t& slot = matching_[mask | (1u << t)];
        slot = std::min(slot, base + d);
      }
    }
    return matching_[(1u << n) - 1];
  }
  // Many boxes: each box's nearest target (weaker, still admissible and consistent).
  uint32_t sum = 0;
  for (int i = 0; i < n; ++i) {
    uint32_t best = kInfinite;
    for (int t = 0; t < push_.numTargets(); ++t) best = std::min<uint32_t>(best, push_.distance(t, boxes[i]));
    if (best == PushDistances::kUnreachable) return kInfinite;
    sum += best;
  }
  return sum;
}

void Solver::walkDistances(int from) {
  if (++stamp_ == 0) {
    std::fill(reach_.begin(), reach_.end(), 0);
    stamp_ = 1;
  }
  size_t head = 0, tail = 0;
  queue_[tail++] = static_cast<uint16_t>(from);
  reach_[from] = stamp_;
  walk_[from] = 0;
  while (head < tail) {
    const int cell = queue_[head++];
    for (int d = 0; d < kNumDirections; ++d) {
      const int next = cell + level_.offset(d);
      if (reach_[next] == stamp_ || (cells_[next] & (kWall | kBox))) continue;
      reach_[next] = stamp_;
      walk_[next] = static_cast<uint16_t>(walk_[cell] + 1);
      walkDir_[next] = static_cast<uint8_t>(d);
      queue_[tail++] = static_cast<uint16_t>(next);
    }
  }
}

void Solver::appendWalk(const uint16_t* parentKey, int to, std::vector<int32_t>& plan) {
  setBoxes(parentKey + 1, kBox);
  walkDistances(parentKey[0]);
  setBoxes(parentKey + 1, 0);
  const size_t start = plan.size();
  for (int cell = to; cell != parentKey[0]; cell -= level_.offset(walkDir_[cell])) plan.push_back(walkDir_[cell]);
  std::reverse(plan.begin() + static_cast<std::ptrdiff_t>(start), plan.end());
}

SolveResult Solver::reconstruct(uint32_t goal, SolveResult counts) {
  SolveResult result = counts;
  result.solved = true;
  std::vector<uint32_t> chain;
  for (uint32_t id = goal; id != StateTable::kNone; id = nodes_[id].parent) chain.push_back(id);
  std::reverse(chain.begin(), chain.end());
  for (size_t k = 1; k < chain.size(); ++k) {
    const Node& child = nodes_[chain[k]];
    appendWalk(table_.key(chain[k - 1]), child.pushedFrom - level_.offset(child.pushDir), result.plan);
    result.plan.push_back(child.pushDir);
  }
  result.pushes = static_cast<uint32_t>(chain.size() - 1);
  return result;
}

SolveResult Solver::solve(const Grid& level, uint64_t nodeBudget) {
  SolveResult result;
  if (level.numBoxes > kMaxBoxes)
    throw RangeError("level: the solver handles at most " + std::to_string(kMaxBoxes) + " boxes, got " +
                     std::to_string(level.numBoxes));
  if (level.solved()) {
    result.solved = true;
    return result;
  }
  level_ = level;
  numBoxes_ = level.numBoxes;
  const int cellCount = level.size(), n = numBoxes_;
  cells_.assign(level.cells.begin(), level.cells.begin() + cellCount);
  for (auto& c : cells_) c = static_cast<uint8_t>(c & ~kBox);
  push_.compute(level);
  reach_.assign(cellCount, 0);
  stamp_ = 0;
  walk_.assign(cellCount, 0);
  walkDir_.assign(cellCount, 0);
  queue_.assign(cellCount, 0);

  // Key: the player's cell, then the box cells in increasing order.
  const uint32_t keyLength = static_cast<uint32_t>(n) + 1;
  std::vector<uint16_t> cur(keyLength), next(keyLength);
  cur[0] = level.player;
  for (int i = 0, k = 1; i < cellCount; ++i)
    if (level.cells[i] & kBox) cur[k++] = static_cast<uint16_t>(i);

  // A dead start has no solution (and nothing to search).
  for (int i = 0; i < n; ++i)
    if (!(cells_[cur[1 + i]] & kTarget) && push_.dead(cur[1 + i])) return result;
  setBoxes(cur.data() + 1, kBox);
  bool frozen = false;
  for (int i = 0; i < n; ++i) frozen = frozen || frozenSquare(cells_.data(), level.width, cur[1 + i]);
  setBoxes(cur.data() + 1, 0);
  if (frozen) return result;
  const uint32_t h0 = heuristic(cur.data() + 1);
  if (h0 == kInfinite) return result;

  table_.reset(keyLength);
  nodes_.clear();
  bool inserted = false;
  table_.insert(cur.data(), inserted);
  nodes_.push_back({0, StateTable::kNone, h0, 0, 0, 0});
  std::vector<QueueEntry> open;
  open.push_back({h0, h0, 0});

  while (!open.empty()) {
    std::pop_heap(open.begin(), open.end(), After{});
    const QueueEntry top = open.back();
    open.pop_back();
    if (nodes_[top.id].closed || top.f != nodes_[top.id].g + nodes_[top.id].h) continue;  // stale entry
    result.nodesGenerated = table_.size();
    if (nodes_[top.id].h == 0) return reconstruct(top.id, result);
    if (table_.size() >= nodeBudget) {
      result.budgetExhausted = true;
      return result;
    }
    nodes_[top.id].closed = 1;
    ++result.nodesExpanded;
    const uint32_t g = nodes_[top.id].g;
    std::copy(table_.key(top.id), table_.key(top.id) + keyLength, cur.begin());
    const uint16_t* boxes = cur.data() + 1;
    setBoxes(boxes, kBox);
    walkDistances(cur[0]);
    for (int i = 0; i < n; ++i) {
      const int box = boxes[i];
      for (int d = 0; d < kNumDirections; ++d) {
        const int stand = box - level_.offset(d), dest = box + level_.offset(d);
        if (reach_[stand] != stamp_ || (cells_[dest] & (kWall | kBox))) continue;
        if (!(cells_[dest] & kTarget) && push_.dead(dest)) continue;
        cells_[box] &= static_cast<uint8_t>(~kBox);
        cells_[dest] |= kBox;
        const bool stuck = frozenSquare(cells_.data(), level_.width, dest);
        cells_[dest] &= static_cast<uint8_t>(~kBox);
        cells_[box] |= kBox;
        if (stuck) continue;
        // Child key: the player stands where the box was; the boxes stay sorted.
        next[0] = static_cast<uint16_t>(box);
        int k = 1;
        bool placed = false;
        for (int j = 0; j < n; ++j) {
          if (j == i) continue;
          if (!placed && dest < boxes[j]) {
            next[k++] = static_cast<uint16_t>(dest);
            placed = true;
          }
          next[k++] = boxes[j];
        }
        if (!placed) next[k++] = static_cast<uint16_t>(dest);
        const uint32_t g2 = g + walk_[stand] + 1u;
        const uint32_t id = table_.insert(next.data(), inserted);
        if (inserted) {
          const uint32_t h2 = heuristic(next.data() + 1);
          const bool hopeless = h2 == kInfinite;
          nodes_.push_back(
              {g2, top.id, h2, static_cast<uint16_t>(box), static_cast<uint8_t>(d), static_cast<uint8_t>(hopeless)});
          if (!hopeless) {
            open.push_back({g2 + h2, h2, id});
            std::push_heap(open.begin(), open.end(), After{});
          }
        } else {
          Node& child = nodes_[id];
          if (child.closed || g2 >= child.g) continue;
          child.g = g2;
          child.parent = top.id;
          child.pushedFrom = static_cast<uint16_t>(box);
          child.pushDir = static_cast<uint8_t>(d);
          open.push_back({g2 + child.h, child.h, id});
          std::push_heap(open.begin(), open.end(), After{});
        }
      }
    }
    setBoxes(boxes, 0);
  }
  result.nodesGenerated = table_.size();
  return result;  // every reachable position explored: no solution
}

}  // namespace gigpo::sokoban
