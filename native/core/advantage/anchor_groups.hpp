// Step groups by exact anchor equality (GIGPO.md step 4): within one task group, rows with
// equal anchor hashes form one step group. A small open-addressing table sized to the
// group and reused across groups (slots are claimed by stamp, never cleared), so the
// whole batch costs O(rows) with no sorting.
#pragma once
#include <vector>

#include "core/advantage/layout.hpp"

namespace gigpo::advantage {

class ExactStepGroups {
 public:
  // Local step-group ids (0, 1, ... by first appearance) of the rows of task group g,
  // in row order, into local[]; returns how many step groups the task group has.
  uint32_t assign(const uint64_t* anchor, const Layout& layout, uint32_t group, uint32_t* local);

 private:
  struct Slot {
    uint64_t key;
    uint32_t id;
    uint32_t stamp;  // in use by the current call iff stamp == stamp_
  };
  std::vector<Slot> slots_;
  uint32_t stamp_ = 0;
};

}  // namespace gigpo::advantage
