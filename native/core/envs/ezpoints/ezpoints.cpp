#include "core/envs/ezpoints/ezpoints.hpp"

namespace gigpo {

using cards::kPlus;
using cards::kTimes;

const EnvInfo& EzPoints::info() {
  static const EnvInfo kInfo{
      "ezpoints",
      "Two cards (A=1, 2-10, J/Q/K=10) shown by value. Build a formula equal to the target (12) one token per "
      "step: a card's number, '+', '*', '='. Each card is used exactly once; '=' needs a complete formula. "
      "Reward +10 when '=' ends a formula of the right value, -1 when it ends a wrong one; an illegal token "
      "(a number no unused card has, an operator where a number must come, '=' too early) or unparseable text "
      "is a no-op with reward -1. Only hands that can make the target are dealt (solvableOnly). Truncated after "
      "maxSteps. Observation: 'Cards: 3, 10', 'Target: 12', 'Formula: 3*'.",
      {
          profileOption(),
          integerOption("target", 12, 0, 10000, "value the formula must reach"),
          booleanOption("solvableOnly", true, "deal only hands some formula solves").withReferenceDefault(false),
          maxStepsOption(10).withReferenceDefault(8.0),
          requireThinkOption(false),
      },
      "Build a formula that uses both cards once and equals 12, one token at a time (a card number, +, *, and "
      "finally =). Face cards count 10. Reward 10 for a correct formula, -1 for an illegal token or a wrong formula.",
      10,
      false,
      "gym_cards EZPoints-v0 with verl-agent's projection (env_package/gym_cards) and its GiGPO script's 8 steps",
  };
  return kInfo;
}

EzPoints::Config EzPoints::configure(const Options& options) {
  const cards::CardGameSpec spec{2, (1u << (kPlus - kPlus)) | (1u << (kTimes - kPlus)), false, 5};
  return cards::configureCardGame(info(), options, spec);
}

}  // namespace gigpo
