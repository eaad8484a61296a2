#include "core/envs/household/task.hpp"

#include "core/envs/household/describe.hpp"

namespace gigpo::household {
namespace {

uint8_t propertyFor(Family f) {
  switch (f) {
    case Family::kLookAtInLight:
      return kLightable;
    case Family::kPickCleanThenPlace:
      return kCleanable;
    case Family::kPickHeatThenPlace:
      return kHeatable;
    case Family::kPickCoolThenPlace:
      return kCoolable;
    default:
      return kPortable;
  }
}

// The appliance a family's treatment uses; it is never the goal (cooling in the fridge,
// then putting back in the fridge, would make a dull task).
int applianceFor(const World& w, Family f) {
  switch (f) {
    case Family::kPickCleanThenPlace:
      return w.sinkbasin;
    case Family::kPickHeatThenPlace:
      return w.microwave;
    case Family::kPickCoolThenPlace:
      return w.fridge;
    default:
      return kNowhere;
  }
}

void place(Pcg32& rng, World& w, uint8_t type, int exclude) {
  std::array<int8_t, kMaxReceptacles> spots;
  int n = placesIn(w, objectTypes()[type].places, exclude, spots);
  Object o;
  o.type = type;
  o.location = spots[rng.below(static_cast<uint32_t>(n))];
  w.objects[w.numObjects++] = o;
}

// Shuffles the objects (so the targets are not listed first) and numbers them per type
// in their new order: "mug 1", "mug 2", ...
void shuffleAndNumber(Pcg32& rng, World& w) {
  for (int i = w.numObjects - 1; i > 0; --i)
    std::swap(w.objects[i], w.objects[rng.below(static_cast<uint32_t>(i + 1))]);
  std::array<uint8_t, kMaxObjectTypes> perType{};
  for (int i = 0; i < w.numObjects; ++i) {
    Object& o = w.objects[i];
    o.number = ++perType[o.type];
    if (o.type == desklampType()) w.desklamp = static_cast<int8_t>(i);
  }
}

}  // namespace

const char* familyName(Family f) {
  switch (f) {
    case Family::kPickAndPlace:
      return "pick_and_place";
    case Family::kPickTwoAndPlace:
      return "pick_two_and_place";
    case Family::kLookAtInLight:
      return "look_at_obj_in_light";
    case Family::kPickCleanThenPlace:
      return "pick_clean_then_place";
    case Family::kPickHeatThenPlace:
      return "pick_heat_then_place";
    case Family::kPickCoolThenPlace:
      return "pick_cool_then_place";
  }
  return "?";
}

Task drawTask(Pcg32& rng, World& w) {
  Task task;
  task.family = static_cast<Family>(rng.below(kNumFamilies));
  task.phrasing = static_cast<uint8_t>(rng.below(2));
  const uint8_t need = propertyFor(task.family);
  const int appliance = applianceFor(w, task.family);
  const bool lookAt = task.family == Family::kLookAtInLight;
  auto types = objectTypes();
  std::array<int8_t, kMaxReceptacles> spots;

  // Every (target type, goal) pair the home allows: the target must be found somewhere
  // other than the goal. For look-at tasks the goal is unused (one candidate per type).
  struct Candidate {
    uint8_t type;
    int8_t goal;
  };
  std::array<Candidate, kMaxObjectTypes * kMaxReceptacles> candidates;
  int numCandidates = 0;
  for (size_t t = 0; t < types.size(); ++t) {
    if ((types[t].properties & (need | kPortable)) != (need | kPortable)) continue;
    if (lookAt) {
      if (placesIn(w, types[t].places, kNowhere, spots) > 0)
        candidates[numCandidates++] = {static_cast<uint8_t>(t), kNowhere};
      continue;
    }
    std::array<int8_t, kMaxReceptacles> goals;
    int n = placesIn(w, types[t].places, appliance, goals);
    for (int k = 0; k < n; ++k)
      if (placesIn(w, types[t].places, goals[k], spots) > 0)
        candidates[numCandidates++] = {static_cast<uint8_t>(t), goals[k]};
  }
  const Candidate c = candidates[rng.below(static_cast<uint32_t>(numCandidates))];
  task.target = c.type;
  task.goal = c.goal;

  // The desklamp, on the first desk (or side table).
  int8_t lampAt = w.findReceptacle(kDesk);
  if (lampAt == kNowhere) lampAt = w.findReceptacle(kSidetable);
  Object lamp;
  lamp.type = desklampType();
  lamp.location = lampAt;
  w.objects[w.numObjects++] = lamp;

  // At most 1 + 3 + 22 objects (lamp, targets, distractors): within kMaxObjects.
  static_assert(1 + 3 + 22 <= kMaxObjects);
  const uint32_t targets = task.family == Family::kPickTwoAndPlace ? 2 + rng.below(2) : 1 + rng.below(3);
  for (uint32_t i = 0; i < targets; ++i) place(rng, w, task.target, task.goal);

  // Distractors: any other portable type that has a place in this home.
  std::array<uint8_t, kMaxObjectTypes> others;
  int numOthers = 0;
  for (size_t t = 0; t < types.size(); ++t)
    if (t != task.target && (types[t].properties & kPortable) && placesIn(w, types[t].places, kNowhere, spots) > 0)
      others[numOthers++] = static_cast<uint8_t>(t);
  const uint32_t distractors = 10 + rng.below(13);
  for (uint32_t i = 0; i < distractors; ++i)
    place(rng, w, others[rng.below(static_cast<uint32_t>(numOthers))], kNowhere);

  shuffleAndNumber(rng, w);
  return task;
}

void appendInstruction(const World& w, const Task& task, std::string& out) {
  const std::string_view obj = objectTypes()[task.target].name;
  const bool alt = task.phrasing == 1;
  auto goal = [&] {
    out.append(" ").append(prepositionFor(w, task.goal)).append(" ");
    appendReceptacleName(w, task.goal, out);
    out += '.';
  };
  auto treatThenPlace = [&](std::string_view adjective, std::string_view verb) {
    if (alt) {
      out.append(verb).append(" a ").append(obj).append(" and put it");
    } else {
      out.append("put a ").append(adjective).append(" ").append(obj);
    }
    goal();
  };
  switch (task.family) {
    case Family::kPickAndPlace:
      out.append(alt ? "place some " : "put a ").append(obj);
      goal();
      break;
    case Family::kPickTwoAndPlace:
      if (alt) {
        out.append("find two ").append(obj).append(" and put them");
      } else {
        out.append("put two ").append(obj);
      }
      goal();
      break;
    case Family::kLookAtInLight:
      out.append(alt ? "examine a " : "look at a ")
          .append(obj)
          .append(alt ? " by the light of the desklamp." : " under the desklamp.");
      break;
    case Family::kPickCleanThenPlace:
      treatThenPlace("clean", "clean");
      break;
    case Family::kPickHeatThenPlace:
      treatThenPlace("hot", "heat");
      break;
    case Family::kPickCoolThenPlace:
      treatThenPlace("cool", "cool");
      break;
  }
}

int requiredCount(const Task& task) {
  switch (task.family) {
    case Family::kLookAtInLight:
      return 0;
    case Family::kPickTwoAndPlace:
      return 2;
    default:
      return 1;
  }
}

bool treated(const Task& task, const Object& o) {
  switch (task.family) {
    case Family::kPickCleanThenPlace:
      return o.clean;
    case Family::kPickHeatThenPlace:
      return o.hot;
    case Family::kPickCoolThenPlace:
      return o.cool;
    default:
      return true;
  }
}

bool solved(const World& w, const Task& task) {
  if (task.family == Family::kLookAtInLight) {
    return w.lampOn && w.held != kNowhere && w.objects[w.held].type == task.target &&
           w.agentAt == w.objects[w.desklamp].location;
  }
  int count = 0;
  for (int i = 0; i < w.numObjects; ++i) {
    const Object& o = w.objects[i];
    if (o.type == task.target && o.location == task.goal && treated(task, o)) ++count;
  }
  return count >= requiredCount(task);
}

}  // namespace gigpo::household
