// GiGPO and the GRPO family over a batch of step rows (GIGPO.md): returns, episode
// scores and statistics, step groups, step advantages, and their combination
// A = A^E + stepWeight·A^S, written into the caller's per-row outputs.
#pragma once
#include "core/advantage/types.hpp"

namespace gigpo::advantage {

// Throws RangeError / TypeError naming the column and row on bad input.
Report computeAdvantages(const RowColumns& columns, const Options& options, const Outputs& outputs);

}  // namespace gigpo::advantage
