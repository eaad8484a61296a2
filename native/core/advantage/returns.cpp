#include "core/advantage/returns.hpp"

namespace gigpo::advantage {

void discountedReturns(const RowColumns& c, uint32_t begin, uint32_t end, double gamma, double invalidPenalty,
                       double* out) {
  double running = 0;
  for (uint32_t r = end; r-- > begin;) {
    running = static_cast<double>(c.reward[r]) + gamma * running;
    out[r - begin] = running - invalidPenalty * (1 - c.valid[r]);
  }
}

}  // namespace gigpo::advantage
