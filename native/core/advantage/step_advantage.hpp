// Step advantages of one task group (GIGPO.md step 5): A^S_i = (R_i - mean_g) / F over
// the rows of the row's step group g; a step group of one row gets 0, and in mean_std_norm
// a group whose returns are all equal gets exactly 0.
#pragma once
#include <vector>

#include "core/advantage/moments.hpp"
#include "core/advantage/types.hpp"

namespace gigpo::advantage {

class StepAdvantages {
 public:
  // returns[k], local[k] (step group in 0..numGroups-1) for the task group's rows;
  // writes out[k] and returns the number of singleton step groups.
  uint32_t compute(const double* returns, const uint32_t* local, uint32_t rows, uint32_t numGroups,
                   const Options& options, double* out);

 private:
  std::vector<Moments> groups_;
  std::vector<double> divisors_;
};

}  // namespace gigpo::advantage
