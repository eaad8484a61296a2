#include "core/advantage/episode_scores.hpp"

namespace gigpo::advantage {

void groupEpisodeScores(const RowColumns& c, const Layout& layout, uint32_t g, const TrajectoryTotals* totals,
                        const Options& o, bool withStd, GroupScores& out) {
  const uint32_t first = layout.groupTrajStart[g], count = layout.groupTrajStart[g + 1] - first;
  const double penalty = o.invalidPenalty;
  out.traj.resize(count);
  out.row.resize(layout.groupRowCount[g]);
  uint32_t k = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t t = layout.groupTrajs[first + i];
    double score = totals[i].rewardSum;
    if (o.normalizeByLength) score /= static_cast<double>(layout.trajLength(t));
    out.traj[i] = score;
    for (uint32_t r = layout.trajStart[t]; r < layout.trajStart[t + 1]; ++r)
      out.row[k++] = score - penalty * (1 - c.valid[r]);
  }
  // Over rows, a trajectory contributes its score (valid rows) and score - c (invalid
  // rows), each some number of times: O(trajectories) instead of O(rows).
  const bool byRows = o.episodeStats == EpisodeStats::Rows;
  auto visit = [&](auto&& add) {
    for (uint32_t i = 0; i < count; ++i) {
      if (!byRows) {
        add(out.traj[i], 1);
        continue;
      }
      const uint32_t invalid = totals[i].invalidRows, length = layout.trajLength(layout.groupTrajs[first + i]);
      if (length > invalid) add(out.traj[i], length - invalid);
      if (invalid > 0) add(out.traj[i] - penalty, invalid);
    }
  };
  out.stats = Moments{};
  visit([&](double x, uint32_t times) { out.stats.add(x, times); });
  out.stats.finishMean();
  if (withStd) visit([&](double x, uint32_t times) { out.stats.addDeviation(x, times); });
}

}  // namespace gigpo::advantage
