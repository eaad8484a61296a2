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
  // Statistics of the step groups of one task group: returns[k] and local[k] (its step
  // group, in 0..numGroups-1) for the task group's rows. Returns the singleton count.
  uint32_t prepare(const double* returns, const uint32_t* local, uint32_t rows, uint32_t numGroups,
                   const Options& options);

  // A^S of a row with return R in step group `local`.
  double value(double R, uint32_t local) const {
    const Group& g = groups_[local];
    return (R - g.mean) * g.scale + 0.0;  // + 0.0 turns the -0 of a zero scale into 0, branch-free
  }

 private:
  struct Group {
    double mean;
    double scale;  // 1 / F_norm, or 0 when the advantage is exactly 0
  };
  std::vector<Moments> moments_;
  std::vector<Group> groups_;
};

}  // namespace gigpo::advantage
