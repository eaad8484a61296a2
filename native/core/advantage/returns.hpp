// Discounted returns per trajectory, R_t = r_t + gamma·R_{t+1} with R_T = 0, accumulated
// backwards in float64; then the invalid-action penalty, R_t -= c·(1 - valid_t), which
// touches only its own row (it is not propagated into earlier returns).
#pragma once
#include "core/advantage/layout.hpp"

namespace gigpo::advantage {

void discountedReturns(const RowColumns& columns, const Layout& layout, double gamma, double invalidPenalty,
                       double* returns);

}  // namespace gigpo::advantage
