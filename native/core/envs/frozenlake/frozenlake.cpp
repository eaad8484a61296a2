#include "core/envs/frozenlake/frozenlake.hpp"

#include <cmath>

#include "core/text/action_tag.hpp"

namespace gigpo {

using frozenlake::applyMove;

namespace {
constexpr std::string_view kMoveNames[] = {"left", "down", "right", "up"};
}

const EnvInfo& FrozenLake::info() {
  static const EnvInfo kInfo{
      "frozenlake",
      "Walk from the top-left corner of a frozen lake to the goal G in the bottom-right corner. Actions: left, "
      "down, right, up (or 1-4 in that order); walking into the edge stays in place. Reward 1 at the goal; a "
      "hole O ends the episode with 0. Slippery (option): the intended move with probability 1/3, each "
      "perpendicular move with 1/3. Observation: the grid, P player, _ frozen, O hole, G goal, X player in a "
      "hole, * player on the goal. Each seed draws a random map with a path to the goal. Unparseable text is a "
      "no-op with reward 0, flagged invalid. Truncated after maxSteps.",
      {
          {"size", OptionKind::Integer, "4", "side of the square map (2..16)"},
          {"frozenProbability", OptionKind::Number, "0.8", "chance that a tile is frozen rather than a hole (0.5..1)"},
          {"slippery", OptionKind::Boolean, "false", "moves slip to a perpendicular direction 2 times in 3"},
          maxStepsOption("100"),
          requireThinkOption(),
      }};
  return kInfo;
}

FrozenLake::Config FrozenLake::configure(const Options& options) {
  OptionReader r(info().name, options, info().options);
  Config c;
  c.size = static_cast<uint8_t>(r.integer("size", 4, 2, frozenlake::LakeMap::kMaxSize));
  const double p = r.number("frozenProbability", 0.8, 0.5, 1.0);
  c.frozen = static_cast<uint64_t>(std::llround(std::ldexp(p, 32)));
  c.slippery = r.boolean("slippery", false);
  c.maxSteps = readMaxSteps(r, 100);
  c.requireThink = readRequireThink(r);
  return c;
}

void FrozenLake::reset(uint64_t levelSeed, uint64_t dynamicsSeed) {
  map_ = frozenlake::generateLake(levelSeed, config_.size, config_.frozen);
  dynamics_.seed(dynamicsSeed);
  row_ = col_ = 0;
  planned_ = false;
}

StepResult FrozenLake::step(int32_t action) {
  StepResult result;
  if (action < 0) {
    result.valid = false;
    return result;
  }
  int32_t move = action;
  if (config_.slippery) {
    static constexpr int32_t kTurn[] = {3, 0, 1};  // left of the move, the move, right of it
    move = (action + kTurn[dynamics_.below(3)]) % 4;
  }
  int r = row_, c = col_;
  applyMove(map_, move, r, c);
  row_ = static_cast<uint8_t>(r);
  col_ = static_cast<uint8_t>(c);
  if (map_.hole(r, c)) {
    result.done = true;
  } else if (map_.goal(r, c)) {
    result.done = true;
    result.reward = 1.0f;
  }
  return result;
}

size_t FrozenLake::render(char* out) const {
  const int n = config_.size;
  size_t at = 0;
  for (int r = 0; r < n; ++r) {
    if (r) out[at++] = '\n';
    const uint32_t holes = map_.holes[r];
    for (int c = 0; c < n; ++c) out[at + c] = (holes >> c) & 1u ? 'O' : '_';
    if (r == n - 1) out[at + n - 1] = 'G';
    if (r == row_) {
      char& here = out[at + col_];
      here = here == 'O' ? 'X' : here == 'G' ? '*' : 'P';
    }
    at += n;
  }
  return at;
}

int32_t FrozenLake::parse(std::string_view response) {
  auto text = text::extractAction(response, config_.requireThink);
  if (!text) return kInvalidAction;
  for (int32_t a = 0; a < 4; ++a)
    if (text::equalsIgnoreCase(*text, kMoveNames[a]) || (text->size() == 1 && (*text)[0] == '1' + a)) return a;
  return kInvalidAction;
}

int32_t FrozenLake::oracleAction() {
  if (!planned_) {
    frozenlake::planLake(map_, config_.slippery, policy_);
    planned_ = true;
  }
  return frozenlake::plannedMove(policy_, row_, col_);
}

std::string FrozenLake::actionName(int32_t action) const { return std::string(kMoveNames[action]); }

}  // namespace gigpo
