// Step groups by text similarity (GIGPO.md step 4, similarity mode): within one task
// group, a greedy pass in row order; a row joins the first cluster whose first member b
// has difflib ratio(a = the row's observation, b) >= threshold, else starts a new cluster.
// A row whose observation (table index) was already placed in this group goes where that
// one went: the clusters it would be compared with are the same, so the pass would agree.
#pragma once
#include <vector>

#include "core/advantage/layout.hpp"
#include "core/text/sequence_ratio.hpp"

namespace gigpo::advantage {

class SimilarStepGroups {
 public:
  // Checks the observation table and every row's obs index (RangeError naming them).
  SimilarStepGroups(const RowColumns& columns, double threshold);

  // Local step-group ids (0, 1, ... by first appearance) of the rows of task group g into
  // local[]; returns how many step groups the task group has.
  uint32_t assign(const Layout& layout, uint32_t group, uint32_t* local);

 private:
  struct Cluster {
    text::RatioTarget first;  // the cluster's first member, prepared as difflib's b
  };
  const RowColumns& columns_;
  double threshold_;
  std::vector<uint32_t> placedStamp_;  // per observation: == stamp_ when placed in this group
  std::vector<uint32_t> placedId_;
  uint32_t stamp_ = 0;
  std::vector<Cluster> clusters_;  // reused across groups
  std::vector<char32_t> text_;
  text::RatioMatcher matcher_;
};

}  // namespace gigpo::advantage
