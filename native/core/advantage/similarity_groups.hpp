// Step groups by text similarity (GIGPO.md step 4, similarity mode): within each task
// group, a greedy pass in row order; a row joins the first cluster whose first member b
// has difflib ratio(a = the row's observation, b) >= threshold, else starts a new cluster.
// A row whose observation (table index) was already placed in this group goes where that
// one went: the earlier clusters are the same, so the greedy pass would choose the same.
#pragma once
#include "core/advantage/layout.hpp"

namespace gigpo::advantage {

// Checks the observation table and obs indices (RangeError naming them), writes step-group
// ids numbered per task group in dense group order, returns the number of step groups.
uint32_t similarStepGroups(const RowColumns& columns, const Layout& layout, double threshold, uint32_t* stepGroup);

}  // namespace gigpo::advantage
