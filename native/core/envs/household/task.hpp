// The six task families, how a task is drawn for a home, its instruction, and when it is
// solved. Drawing a task also fills the home with objects: the task's target objects
// (away from the goal receptacle, so no task starts solved) and distractors.
#pragma once
#include <cstdint>
#include <string>

#include "core/envs/household/world.hpp"

namespace gigpo::household {

enum class Family : uint8_t {
  kPickAndPlace,
  kPickTwoAndPlace,
  kLookAtInLight,
  kPickCleanThenPlace,
  kPickHeatThenPlace,
  kPickCoolThenPlace,
};
constexpr int kNumFamilies = 6;

struct Task {
  Family family = Family::kPickAndPlace;
  uint8_t target = 0;      // object type
  int8_t goal = kNowhere;  // receptacle index (kNowhere for look-at-in-light)
  uint8_t phrasing = 0;    // which instruction wording
};

const char* familyName(Family f);

// Draws the task and places every object. `world` must come from generateHome.
Task drawTask(Pcg32& rng, World& world);

// "put a clean mug in cabinet 2." (appended to `out`).
void appendInstruction(const World& world, const Task& task, std::string& out);

// How many objects of the target type must end in the goal receptacle (0 for look-at).
int requiredCount(const Task& task);
// Whether object `o` counts towards the task where it lies (it has the treatment asked for).
bool treated(const Task& task, const Object& o);
bool solved(const World& world, const Task& task);

}  // namespace gigpo::household
