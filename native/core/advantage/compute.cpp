#include "core/advantage/compute.hpp"

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

// Groups were numbered task group by task group; when task groups interleave in the
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

}  // namespace

Report computeAdvantages(const RowColumns& c, const Options& o, const Outputs& out) {
  const size_t n = c.numRows;
  const Layout layout = buildLayout(c, out.taskGroup);

  std::vector<double> returns(n);
  discountedReturns(c, layout, o.gamma, o.invalidPenalty, returns.data());
  for (size_t r = 0; r < n; ++r) out.returns[r] = static_cast<float>(returns[r]);

  Report report;
  report.numGroups = layout.numGroups;
  report.numTrajectories = layout.numTrajectories();
  report.groupIds = layout.groupIds;
  report.numStepGroups = o.similarity > 0 ? similarStepGroups(c, layout, o.similarity, out.stepGroup)
                                          : exactStepGroups(c.anchor, layout, out.stepGroup);
  if (!layout.groupsContiguous) renumberByFirstAppearance(out.stepGroup, n, report.numStepGroups);

  const EpisodeScores scores = episodeScores(c, layout, o, needsEpisodeStd(o));
  report.groupZeroVariance.resize(layout.numGroups);
  for (uint32_t g = 0; g < layout.numGroups; ++g) {
    report.groupZeroVariance[g] = scores.groups[g].constant();
    report.zeroVarianceGroups += report.groupZeroVariance[g];
  }

  std::vector<double> episode(n);
  episodeAdvantages(c, layout, scores, o, episode.data());
  // The step level always runs, so the singleton statistics are reported for every
  // estimator; only GiGPO adds it to the advantage.
  std::vector<double> step(n);
  report.singletonStepGroups = stepAdvantages(returns.data(), out.stepGroup, n, report.numStepGroups, o, step.data());
  const bool gigpo = o.estimator == Estimator::Gigpo;
  for (size_t r = 0; r < n; ++r) {
    out.episodeAdvantage[r] = static_cast<float>(episode[r]);
    out.stepAdvantage[r] = gigpo ? static_cast<float>(step[r]) : 0.0f;
    out.advantage[r] = static_cast<float>(gigpo ? episode[r] + o.stepWeight * step[r] : episode[r]);
  }
  return report;
}

}  // namespace gigpo::advantage
