#include "core/advantage/step_advantage.hpp"

namespace gigpo::advantage {

uint32_t StepAdvantages::compute(const double* returns, const uint32_t* local, uint32_t rows, uint32_t numGroups,
                                 const Options& o, double* out) {
  groups_.assign(numGroups, Moments{});
  for (uint32_t k = 0; k < rows; ++k) groups_[local[k]].add(returns[k]);
  uint32_t singletons = 0;
  for (Moments& m : groups_) {
    m.finishMean();
    singletons += m.count == 1;
  }
  if (o.mode == NormMode::MeanNorm) {
    for (uint32_t k = 0; k < rows; ++k) {
      const Moments& m = groups_[local[k]];
      out[k] = m.count == 1 ? 0 : returns[k] - m.mean;
    }
    return singletons;
  }
  for (uint32_t k = 0; k < rows; ++k) groups_[local[k]].addDeviation(returns[k]);
  divisors_.resize(numGroups);  // 0 marks "advantage is exactly 0"
  for (uint32_t i = 0; i < numGroups; ++i) {
    const Moments& m = groups_[i];
    divisors_[i] = m.count == 1 || m.constant() ? 0 : m.std() + o.epsilon;
  }
  for (uint32_t k = 0; k < rows; ++k) {
    const double divisor = divisors_[local[k]];
    out[k] = divisor == 0 ? 0 : (returns[k] - groups_[local[k]].mean) / divisor;
  }
  return singletons;
}

}  // namespace gigpo::advantage
