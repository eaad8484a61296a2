// Episode scores and their task-group statistics (GIGPO.md steps 2 and 3).
// A trajectory's score is the sum of its rewards (÷ T with normalizeByLength); a row's
// score s_i is its trajectory's score minus c·(1 - valid_i). The group statistics run over
// every row's s_i (episodeStats rows, the reference) or over one score per trajectory,
// without the penalty (episodeStats trajectories, the paper).
#pragma once
#include <vector>

#include "core/advantage/layout.hpp"
#include "core/advantage/moments.hpp"

namespace gigpo::advantage {

struct EpisodeScores {
  std::vector<double> trajScore;  // per trajectory
  std::vector<Moments> groups;    // per dense task group, over the chosen elements

  double rowScore(const RowColumns& c, uint32_t traj, uint32_t row, double invalidPenalty) const {
    return trajScore[traj] - invalidPenalty * (1 - c.valid[row]);
  }
};

// withStd: also run the second pass (squared deviations) that std() needs.
EpisodeScores episodeScores(const RowColumns& columns, const Layout& layout, const Options& options, bool withStd);

}  // namespace gigpo::advantage
