#include "core/envs/household/planner.hpp"

namespace gigpo::household {
namespace {

int8_t applianceFor(const World& w, Family f, Verb& verb) {
  switch (f) {
    case Family::kPickCleanThenPlace:
      verb = Verb::kClean;
      return w.sinkbasin;
    case Family::kPickHeatThenPlace:
      verb = Verb::kHeat;
      return w.microwave;
    case Family::kPickCoolThenPlace:
      verb = Verb::kCool;
      return w.fridge;
    default:
      return kNowhere;
  }
}

// Go to r, open it if it is closed, then do `then` there.
Command reach(const World& w, int8_t r, Command then) {
  if (w.agentAt != r) return {Verb::kGoTo, kNowhere, r};
  if (!w.accessible(r)) return {Verb::kOpen, kNowhere, r};
  return then;
}

}  // namespace

Command plan(const World& w, const Task& task) {
  const bool lookAt = task.family == Family::kLookAtInLight;
  if (w.held != kNowhere) {
    const Object& h = w.objects[w.held];
    if (h.type != task.target) {
      // Put the wrong object down where we stand (or at the first receptacle).
      const int8_t here = w.agentAt == kNowhere ? int8_t{0} : w.agentAt;
      return reach(w, here, {Verb::kPut, w.held, here});
    }
    if (lookAt) {
      const int8_t lampAt = w.objects[w.desklamp].location;
      if (w.agentAt != lampAt) return {Verb::kGoTo, kNowhere, lampAt};
      return {Verb::kUse, w.desklamp, lampAt};
    }
    Verb treat = Verb::kLook;
    const int8_t appliance = applianceFor(w, task.family, treat);
    if (appliance != kNowhere && !treated(task, h)) {
      if (w.agentAt != appliance) return {Verb::kGoTo, kNowhere, appliance};
      return {treat, w.held, appliance};
    }
    return reach(w, task.goal, {Verb::kPut, w.held, task.goal});
  }
  // Hands empty: fetch the first target that still needs moving (or treating).
  for (int i = 0; i < w.numObjects; ++i) {
    const Object& o = w.objects[i];
    if (o.type != task.target || o.location < 0) continue;
    if (!lookAt && o.location == task.goal && treated(task, o)) continue;
    return reach(w, o.location, {Verb::kTake, static_cast<int8_t>(i), o.location});
  }
  return {Verb::kLook, kNowhere, kNowhere};  // unreachable for generated tasks
}

}  // namespace gigpo::household
