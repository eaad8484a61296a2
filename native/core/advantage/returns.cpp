#include "core/advantage/returns.hpp"

namespace gigpo::advantage {

void discountedReturns(const RowColumns& c, const Layout& layout, double gamma, double invalidPenalty,
                       double* returns) {
  const uint32_t numTraj = layout.numTrajectories();
  for (uint32_t t = 0; t < numTraj; ++t) {
    double running = 0;
    for (uint32_t r = layout.trajStart[t + 1]; r-- > layout.trajStart[t];) {
      running = static_cast<double>(c.reward[r]) + gamma * running;
      returns[r] = running - invalidPenalty * (1 - c.valid[r]);
    }
  }
}

}  // namespace gigpo::advantage
