#include "core/advantage/episode_scores.hpp"

namespace gigpo::advantage {

EpisodeScores episodeScores(const RowColumns& c, const Layout& layout, const Options& o, bool withStd) {
  const uint32_t numTraj = layout.numTrajectories();
  EpisodeScores out;
  out.trajScore.resize(numTraj);
  for (uint32_t t = 0; t < numTraj; ++t) {
    double sum = 0;
    for (uint32_t r = layout.trajStart[t]; r < layout.trajStart[t + 1]; ++r) sum += c.reward[r];
    if (o.normalizeByLength) sum /= static_cast<double>(layout.trajStart[t + 1] - layout.trajStart[t]);
    out.trajScore[t] = sum;
  }
  out.groups.assign(layout.numGroups, Moments{});
  const bool byRows = o.episodeStats == EpisodeStats::Rows;
  // Passes in row order (trajectories are visited in row order), as the reference sums.
  auto visit = [&](auto&& f) {
    for (uint32_t t = 0; t < numTraj; ++t) {
      Moments& m = out.groups[layout.trajGroup[t]];
      if (byRows) {
        for (uint32_t r = layout.trajStart[t]; r < layout.trajStart[t + 1]; ++r)
          f(m, out.rowScore(c, t, r, o.invalidPenalty));
      } else {
        f(m, out.trajScore[t]);
      }
    }
  };
  visit([](Moments& m, double x) { m.add(x); });
  for (Moments& m : out.groups) m.finishMean();
  if (withStd) visit([](Moments& m, double x) { m.addDeviation(x); });
  return out;
}

}  // namespace gigpo::advantage
