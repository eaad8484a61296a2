#include "core/advantage/step_advantage.hpp"

#include <vector>

#include "core/advantage/moments.hpp"

namespace gigpo::advantage {

uint32_t stepAdvantages(const double* returns, const uint32_t* stepGroup, size_t n, uint32_t numStepGroups,
                        const Options& o, double* out) {
  std::vector<Moments> groups(numStepGroups);
  for (size_t r = 0; r < n; ++r) groups[stepGroup[r]].add(returns[r]);
  uint32_t singletons = 0;
  for (Moments& m : groups) {
    m.finishMean();
    singletons += m.count == 1;
  }
  const bool withStd = o.mode == NormMode::MeanStdNorm;
  if (withStd)
    for (size_t r = 0; r < n; ++r) groups[stepGroup[r]].addDeviation(returns[r]);
  if (!withStd) {
    for (size_t r = 0; r < n; ++r) {
      const Moments& m = groups[stepGroup[r]];
      out[r] = m.count == 1 ? 0 : returns[r] - m.mean;
    }
    return singletons;
  }
  // std mode: fold each group's divisor into `squares` once (0 marks "advantage is 0").
  for (Moments& m : groups) m.squares = m.count == 1 || m.constant() ? 0 : m.std() + o.epsilon;
  for (size_t r = 0; r < n; ++r) {
    const Moments& m = groups[stepGroup[r]];
    out[r] = m.squares == 0 ? 0 : (returns[r] - m.mean) / m.squares;
  }
  return singletons;
}

}  // namespace gigpo::advantage
