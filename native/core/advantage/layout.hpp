// The structure of a batch of step rows: its trajectories (contiguous row ranges in step
// order) and its task groups (caller ids of any value, numbered densely by first
// appearance), checked row by row with errors that name the column and row.
#pragma once
#include <cstdint>
#include <vector>

#include "core/advantage/types.hpp"

namespace gigpo::advantage {

struct Layout {
  uint32_t numGroups = 0;
  std::vector<uint32_t> trajStart;  // first row of each trajectory, plus numRows at the end
  std::vector<uint32_t> trajGroup;  // dense task group of each trajectory
  std::vector<uint32_t> groupIds;   // caller's id of each dense group
  bool groupsContiguous = true;     // every group's rows form one range
  // Trajectories of each dense group in row order: groupTrajs[groupTrajStart[g] .. groupTrajStart[g + 1]).
  std::vector<uint32_t> groupTrajStart;
  std::vector<uint32_t> groupTrajs;
  std::vector<uint32_t> groupRowCount;

  uint32_t numTrajectories() const { return static_cast<uint32_t>(trajGroup.size()); }
  uint32_t trajLength(uint32_t t) const { return trajStart[t + 1] - trajStart[t]; }

  // f(row) for every row of task group g, in row order.
  template <class F>
  void forEachRow(uint32_t g, F&& f) const {
    for (uint32_t i = groupTrajStart[g]; i < groupTrajStart[g + 1]; ++i) {
      const uint32_t t = groupTrajs[i];
      for (uint32_t r = trajStart[t]; r < trajStart[t + 1]; ++r) f(r);
    }
  }
};

// Checks finiteness of rewards, valid in {0, 1}, trajectory contiguity, steps 0..T-1 and
// one group per trajectory (RangeError naming e.g. "reward[17]"), and returns the layout.
Layout buildLayout(const RowColumns& columns);

}  // namespace gigpo::advantage
