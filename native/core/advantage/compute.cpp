#include "core/advantage/compute.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/advantage/anchor_groups.hpp"
#include "core/advantage/episode_scores.hpp"
#include "core/advantage/estimators.hpp"
#include "core/advantage/layout.hpp"
#include "core/advantage/returns.hpp"
#include "core/advantage/similarity_groups.hpp"
#include "core/advantage/step_advantage.hpp"

namespace gigpo::advantage {

namespace {

// Step groups are numbered task group by task group; when task groups interleave in the
// batch, renumber so ids follow first appearance in row order, as documented.
void renumberByFirstAppearance(uint32_t* ids, size_t n, uint32_t count) {
  std::vector<uint32_t> remap(count, UINT32_MAX);
  uint32_t next = 0;
  for (size_t r = 0; r < n; ++r) {
    uint32_t& to = remap[ids[r]];
    if (to == UINT32_MAX) to = next++;
    ids[r] = to;
  }
}

// Per-task-group working space, sized to the largest group and reused: the batch is
// processed one group at a time, so everything but the inputs and outputs stays in cache.
struct Scratch {
  std::vector<double> returns, episode;
  std::vector<uint32_t> local;
  std::vector<TrajectoryTotals> totals;
  GroupScores scores;
};

}  // namespace

Report computeAdvantages(const RowColumns& c, const Options& o, const Outputs& out) {
  const size_t n = c.numRows;
  const Layout layout = buildLayout(c);
  std::optional<SimilarStepGroups> similar;
  if (o.similarity > 0) similar.emplace(c, o.similarity);
  ExactStepGroups exact;
  StepAdvantages stepAdvantages;
  Scratch s;
  uint32_t largest = 0, largestTrajs = 0;
  for (uint32_t g = 0; g < layout.numGroups; ++g) {
    largest = std::max(largest, layout.groupRowCount[g]);
    largestTrajs = std::max(largestTrajs, layout.groupTrajStart[g + 1] - layout.groupTrajStart[g]);
  }
  s.returns.resize(largest);
  s.episode.resize(largest);
  s.local.resize(largest);
  s.totals.resize(largestTrajs);
  const bool gigpo = o.estimator == Estimator::Gigpo;
  const bool whiten = o.estimator == Estimator::ReinforcePpBaseline;
  const bool withStd = needsEpisodeStd(o);
  std::vector<double> beforeWhitening(whiten ? n : 0);

  Report report;
  report.numGroups = layout.numGroups;
  report.numTrajectories = layout.numTrajectories();
  report.groupIds = layout.groupIds;
  report.groupZeroVariance.resize(layout.numGroups);
  uint32_t firstStepGroup = 0;
  for (uint32_t g = 0; g < layout.numGroups; ++g) {
    uint32_t k = 0;
    for (uint32_t i = layout.groupTrajStart[g]; i < layout.groupTrajStart[g + 1]; ++i) {
      const uint32_t t = layout.groupTrajs[i];
      s.totals[i - layout.groupTrajStart[g]] =
          discountedReturns(c, layout.trajStart[t], layout.trajStart[t + 1], o.gamma, o.invalidPenalty, &s.returns[k]);
      k += layout.trajLength(t);
    }
    groupEpisodeScores(c, layout, g, s.totals.data(), o, withStd, s.scores);
    report.groupZeroVariance[g] = s.scores.stats.constant();
    report.zeroVarianceGroups += report.groupZeroVariance[g];
    groupEpisodeAdvantages(layout, g, s.scores, o, s.episode.data());

    const uint32_t numStepGroups =
        similar ? similar->assign(layout, g, s.local.data()) : exact.assign(c.anchor, layout, g, s.local.data());
    // The step level always runs, so its statistics are reported for every estimator;
    // only GiGPO adds it to the advantage.
    report.singletonStepGroups +=
        stepAdvantages.prepare(s.returns.data(), s.local.data(), layout.groupRowCount[g], numStepGroups, o);
    k = 0;
    layout.forEachRow(g, [&](uint32_t row) {
      const double step = gigpo ? stepAdvantages.value(s.returns[k], s.local[k]) : 0;
      out.returns[row] = static_cast<float>(s.returns[k]);
      out.stepGroup[row] = firstStepGroup + s.local[k];
      out.episodeAdvantage[row] = static_cast<float>(s.episode[k]);
      out.stepAdvantage[row] = static_cast<float>(step);
      out.advantage[row] = static_cast<float>(s.episode[k] + o.stepWeight * step);
      if (whiten) beforeWhitening[row] = s.episode[k];
      ++k;
    });
    firstStepGroup += numStepGroups;
  }
  report.numStepGroups = firstStepGroup;
  if (!layout.groupsContiguous) renumberByFirstAppearance(out.stepGroup, n, report.numStepGroups);
  if (whiten) {
    whitenBatch(c, beforeWhitening.data());
    for (size_t r = 0; r < n; ++r) out.episodeAdvantage[r] = out.advantage[r] = static_cast<float>(beforeWhitening[r]);
  }
  return report;
}

}  // namespace gigpo::advantage
