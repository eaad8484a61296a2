// Step groups by exact anchor equality (GIGPO.md step 4): within each task group, rows
// with equal anchor hashes form one step group. One small hash table per task group,
// reused across groups, so the whole batch costs O(rows) with no sorting.
#pragma once
#include "core/advantage/layout.hpp"

namespace gigpo::advantage {

// Writes a step-group id to every row (numbered per task group in dense group order,
// rows in row order) and returns the number of step groups.
uint32_t exactStepGroups(const uint64_t* anchor, const Layout& layout, uint32_t* stepGroup);

}  // namespace gigpo::advantage
