#include "core/envs/frozenlake/frozenlake.hpp"

#include <cmath>
#include <cstring>

#include "core/text/action_tag.hpp"

namespace gigpo {

using frozenlake::applyMove;

namespace {
constexpr std::string_view kMoveNames[] = {"left", "down", "right", "up"};
// The order in which verl-agent's projection tries the words: its action pool's order
// (up, down, left, right), so "left then up" reads as up.
constexpr int32_t kReferenceWordOrder[] = {3, 1, 0, 2};
}  // namespace

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
          profileOption(),
          integerOption("size", 4, 2, frozenlake::LakeMap::kMaxSize, "side of the square map"),
          numberOption("frozenProbability", 0.8, 0.5, 1.0, "chance that a tile is frozen rather than a hole"),
          booleanOption("slippery", false, "moves slip to a perpendicular direction 2 times in 3")
              .withReferenceDefault(true),
          maxStepsOption(100).withReferenceDefault(10.0),  // RAGEN's max_actions_per_traj
          requireThinkOption(),
      },
      "You are walking on a frozen lake to reach the goal without falling into a hole. The ice may be slippery. "
      "Symbols: P you, _ frozen ice, O hole, G goal, X you in a hole, * or √ you on the goal. Reward 1 at the goal.",
      1,
      false,
      "RAGEN's FrozenLake (verl-agent has none): random start and goal tiles, slippery, player on goal shown "
      "as √",
  };
  return kInfo;
}

FrozenLake::Config FrozenLake::configure(const Options& options) {
  OptionReader r(info().name, options, info().options);
  Config c;
  c.reference = r.reference();
  c.size = static_cast<uint8_t>(r.integer("size"));
  const double p = r.number("frozenProbability");
  c.frozen = static_cast<uint64_t>(std::llround(std::ldexp(p, 32)));
  c.slippery = r.boolean("slippery");
  c.maxSteps = readMaxSteps(r);
  c.requireThink = readRequireThink(r);
  return c;
}

void FrozenLake::reset(uint64_t levelSeed, uint64_t dynamicsSeed) {
  map_ = config_.reference ? frozenlake::generateRagenLake(levelSeed, config_.size, config_.frozen)
                           : frozenlake::generateLake(levelSeed, config_.size, config_.frozen);
  dynamics_.seed(dynamicsSeed);
  row_ = map_.startRow;
  col_ = map_.startCol;
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
    if (r == map_.goalRow) out[at + map_.goalCol] = 'G';
    if (r == row_) {
      char& here = out[at + col_];
      if (here == 'G' && config_.reference) {
        // √ is 3 bytes: shift the rest of the row right by 2.
        std::memmove(out + at + col_ + 3, out + at + col_ + 1, static_cast<size_t>(n - col_ - 1));
        std::memcpy(out + at + col_, "\xE2\x88\x9A", 3);
        at += 2;
      } else {
        here = here == 'O' ? 'X' : here == 'G' ? '*' : 'P';
      }
    }
    at += n;
  }
  return at;
}

int32_t FrozenLake::parse(std::string_view response) {
  if (config_.reference) {
    // The Sokoban-style rule of the reference text envs: first tag pair, words as substrings.
    const auto inner = text::firstActionText(response);
    if (!inner) return kInvalidAction;
    for (int32_t a : kReferenceWordOrder)
      if (text::findIgnoreCase(*inner, kMoveNames[a]) != std::string_view::npos)
        return config_.requireThink && !text::hasThinkTags(response) ? (a | kFlagInvalid) : a;
    return kInvalidAction;
  }
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

std::string FrozenLake::actionName(int32_t action) const {
  return std::string(kMoveNames[action]);
}

}  // namespace gigpo
