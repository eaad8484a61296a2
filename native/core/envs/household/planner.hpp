// The household's oracle: the next command towards solving the task from ANY state (so
// an epsilon-oracle that strays is brought back). It knows where every object is, which
// the agent does not, and it always returns an admissible command.
//
// Plan: hold the wrong thing -> put it down here; hold a target -> treat it at its
// appliance if the task asks, then carry it to the goal (or to the desklamp and use it);
// hold nothing -> walk to the first target that still needs moving, open its receptacle,
// take it.
#pragma once
#include "core/envs/household/commands.hpp"
#include "core/envs/household/task.hpp"

namespace gigpo::household {

Command plan(const World& w, const Task& task);

}  // namespace gigpo::household
