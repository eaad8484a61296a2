// Step advantages (GIGPO.md step 5): A^S_i = (R_i - mean_g) / F over the rows of the
// row's step group g; a step group of one row gets 0, and in mean_std_norm a group whose
// returns are all equal gets exactly 0.
#pragma once
#include "core/advantage/layout.hpp"

namespace gigpo::advantage {

// Returns the number of singleton step groups.
uint32_t stepAdvantages(const double* returns, const uint32_t* stepGroup, size_t numRows, uint32_t numStepGroups,
                        const Options& options, double* stepAdvantage);

}  // namespace gigpo::advantage
