#include "core/envs/frozenlake/lake_oracle.hpp"

#include <algorithm>
#include <cmath>

namespace gigpo::frozenlake {
namespace {

constexpr int kCells = LakeMap::kMaxSize * LakeMap::kMaxSize;
constexpr int kUnreached = 1 << 20;

void setMove(uint32_t* policy, int r, int c, int32_t move) {
  policy[r] = (policy[r] & ~(3u << (2 * c))) | (static_cast<uint32_t>(move) << (2 * c));
}

void planShortestPath(const LakeMap& map, uint32_t* policy) {
  const int n = map.size;
  int dist[kCells];
  std::fill(dist, dist + n * n, kUnreached);
  int queue[kCells];
  int head = 0, tail = 0;
  dist[map.goalCell()] = 0;
  queue[tail++] = map.goalCell();
  // Neighbouring is symmetric, so distances from the goal are distances to it.
  while (head < tail) {
    const int cell = queue[head++];
    for (int32_t m = kLeft; m <= kUp; ++m) {
      int r = cell / n, c = cell % n;
      applyMove(map, m, r, c);
      if (map.hole(r, c) || dist[r * n + c] != kUnreached) continue;
      dist[r * n + c] = dist[cell] + 1;
      queue[tail++] = r * n + c;
    }
  }
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c)
      for (int32_t m = kLeft; m <= kUp; ++m) {
        int nr = r, nc = c;
        applyMove(map, m, nr, nc);
        if (!map.hole(nr, nc) && dist[nr * n + nc] + 1 == dist[r * n + c]) {
          setMove(policy, r, c, m);
          break;
        }
      }
}

void planSlippery(const LakeMap& map, uint32_t* policy) {
  constexpr double kDiscount = 0.99;  // prefers faster wins: episodes are truncated
  constexpr int kMaxSweeps = 2000;
  const int n = map.size;
  double value[kCells] = {};
  value[map.goalCell()] = 1.0;  // the goal; holes stay 0
  auto q = [&](int r, int c, int32_t m) {
    double sum = 0;
    for (int32_t slip : {3, 0, 1}) {  // the move to the left of m, m, the move to its right
      int nr = r, nc = c;
      applyMove(map, (m + slip) % 4, nr, nc);
      sum += value[nr * n + nc];
    }
    return kDiscount * sum / 3.0;
  };
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    double change = 0;
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) {
        if (map.hole(r, c) || map.goal(r, c)) continue;
        double best = 0;
        for (int32_t m = kLeft; m <= kUp; ++m) best = std::max(best, q(r, c, m));
        change = std::max(change, std::fabs(best - value[r * n + c]));
        value[r * n + c] = best;
      }
    if (change < 1e-12) break;
  }
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      int32_t bestMove = kLeft;
      double best = -1;
      for (int32_t m = kLeft; m <= kUp; ++m) {
        double v = q(r, c, m);
        if (v > best + 1e-15) best = v, bestMove = m;
      }
      setMove(policy, r, c, bestMove);
    }
}

}  // namespace

void planLake(const LakeMap& map, bool slippery, uint32_t* policy) {
  std::fill(policy, policy + map.size, 0u);
  if (slippery) {
    planSlippery(map, policy);
  } else {
    planShortestPath(map, policy);
  }
}

}  // namespace gigpo::frozenlake
