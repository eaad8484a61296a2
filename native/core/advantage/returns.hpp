// Discounted returns of one trajectory, R_t = r_t + gamma·R_{t+1} with R_T = 0,
// accumulated backwards in float64; then the invalid-action penalty, R_t -= c·(1 - valid_t),
// which touches only its own row (it is not propagated into earlier returns).
// The same pass also totals the trajectory for its episode score: the rewards summed
// forwards (step 0 first, as the reference sums) and the number of invalid rows.
#pragma once
#include "core/advantage/types.hpp"

namespace gigpo::advantage {

struct TrajectoryTotals {
  double rewardSum = 0;
  uint32_t invalidRows = 0;
};

// Rows [begin, end) of one trajectory; out[0 .. end - begin).
TrajectoryTotals discountedReturns(const RowColumns& columns, uint32_t begin, uint32_t end, double gamma,
                                   double invalidPenalty, double* out);

}  // namespace gigpo::advantage
