// The structure of a batch of step rows: its trajectories (contiguous row ranges in step
// order) and its task groups (caller ids of any value, numbered densely by first appearance),
// checked row by row with errors that name the column and row.
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
  // Rows of each dense group, in row order: groupRows[groupStart[g] .. groupStart[g + 1]).
  std::vector<uint32_t> groupStart;
  std::vector<uint32_t> groupRows;

  uint32_t numTrajectories() const { return static_cast<uint32_t>(trajGroup.size()); }
};

// Checks finiteness of rewards, valid in {0, 1}, trajectory contiguity, steps 0..T-1 and
// one group per trajectory (RangeError naming e.g. "reward[17]"), writes each row's dense
// task group to rowGroup, and returns the layout.
Layout buildLayout(const RowColumns& columns, uint32_t* rowGroup);

}  // namespace gigpo::advantage
