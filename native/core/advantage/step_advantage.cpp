#include "core/advantage/step_advantage.hpp"

namespace gigpo::advantage {

uint32_t StepAdvantages::prepare(const double* returns, const uint32_t* local, uint32_t rows, uint32_t numGroups,
                                 const Options& o) {
  moments_.assign(numGroups, Moments{});
  for (uint32_t k = 0; k < rows; ++k) moments_[local[k]].add(returns[k]);
  for (Moments& m : moments_) m.finishMean();
  const bool withStd = o.mode == NormMode::MeanStdNorm;
  if (withStd)
    for (uint32_t k = 0; k < rows; ++k) moments_[local[k]].addDeviation(returns[k]);
  groups_.resize(numGroups);
  uint32_t singletons = 0;
  for (uint32_t i = 0; i < numGroups; ++i) {
    const Moments& m = moments_[i];
    singletons += m.count == 1;
    double scale = 1;
    if (m.count == 1 || (withStd && m.constant()))
      scale = 0;
    else if (withStd)
      scale = 1 / (m.std() + o.epsilon);
    groups_[i] = {m.mean, scale};
  }
  return singletons;
}

}  // namespace gigpo::advantage
