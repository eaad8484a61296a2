#include "core/advantage/returns.hpp"

namespace gigpo::advantage {

TrajectoryTotals discountedReturns(const RowColumns& c, uint32_t begin, uint32_t end, double gamma,
                                   double invalidPenalty, double* out) {
  // Two independent dependency chains in one loop (the return from the back, the sum
  // from the front), so the CPU overlaps their latencies.
  double running = 0, sum = 0;
  uint32_t valid = 0;
  const uint32_t length = end - begin;
  for (uint32_t i = 0; i < length; ++i) {
    const uint32_t back = end - 1 - i;
    running = static_cast<double>(c.reward[back]) + gamma * running;
    out[back - begin] = running - invalidPenalty * (1 - c.valid[back]);
    sum += c.reward[begin + i];
    valid += c.valid[begin + i];
  }
  return {sum, length - valid};
}

}  // namespace gigpo::advantage
