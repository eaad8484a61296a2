#include "core/advantage/episode_scores.hpp"

namespace gigpo::advantage {

void groupEpisodeScores(const RowColumns& c, const Layout& layout, uint32_t g, const Options& o, bool withStd,
                        GroupScores& out) {
  const uint32_t first = layout.groupTrajStart[g], last = layout.groupTrajStart[g + 1];
  out.traj.resize(last - first);
  out.row.resize(layout.groupRowCount[g]);
  uint32_t k = 0;
  for (uint32_t i = first; i < last; ++i) {
    const uint32_t t = layout.groupTrajs[i];
    double sum = 0;
    for (uint32_t r = layout.trajStart[t]; r < layout.trajStart[t + 1]; ++r) sum += c.reward[r];
    if (o.normalizeByLength) sum /= static_cast<double>(layout.trajLength(t));
    out.traj[i - first] = sum;
    for (uint32_t r = layout.trajStart[t]; r < layout.trajStart[t + 1]; ++r)
      out.row[k++] = sum - o.invalidPenalty * (1 - c.valid[r]);
  }
  const std::vector<double>& elements = o.episodeStats == EpisodeStats::Rows ? out.row : out.traj;
  out.stats = Moments{};
  for (double x : elements) out.stats.add(x);
  out.stats.finishMean();
  if (withStd)
    for (double x : elements) out.stats.addDeviation(x);
}

}  // namespace gigpo::advantage
