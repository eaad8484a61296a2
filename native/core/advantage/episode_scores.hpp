// Episode scores of one task group and their statistics (GIGPO.md steps 2 and 3).
// A trajectory's score is the sum of its rewards (÷ T with normalizeByLength); a row's
// score s_i is its trajectory's score minus c·(1 - valid_i). The statistics run over
// every row's s_i (episodeStats rows, the reference) or over one score per trajectory,
// without the penalty (episodeStats trajectories, the paper).
#pragma once
#include <vector>

#include "core/advantage/layout.hpp"
#include "core/advantage/moments.hpp"
#include "core/advantage/returns.hpp"

namespace gigpo::advantage {

struct GroupScores {
  std::vector<double> traj;  // per trajectory of the group, in group order
  std::vector<double> row;   // s_i per row of the group, in row order
  Moments stats;             // over the elements episodeStats chooses
};

// totals[i]: what discountedReturns gave for the i-th trajectory of group g.
// withStd: also run the second pass (squared deviations) that std() needs.
void groupEpisodeScores(const RowColumns& columns, const Layout& layout, uint32_t group, const TrajectoryTotals* totals,
                        const Options& options, bool withStd, GroupScores& out);

}  // namespace gigpo::advantage
