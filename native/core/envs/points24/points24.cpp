#include "core/envs/points24/points24.hpp"

namespace gigpo {

const EnvInfo& Points24::info() {
  static const EnvInfo kInfo{
      "points24",
      "Four cards (A=1, 2-10, J/Q/K=10) shown by value. Build a formula equal to the target (24) one token per "
      "step: a card's number, '+', '-', '*', '/', '(', ')', '='. Each card is used exactly once; at most 3 '(' "
      "per formula; '=' needs a complete formula. Exact arithmetic: 5*(5-1/5)=24 counts. Reward +10 when '=' "
      "ends a formula of the right value, -1 when it ends a wrong one (or one dividing by zero); an illegal "
      "token (a number no unused card has, an operator or ')' where a number must come, a number or '(' after "
      "a number, ')' with nothing open, '=' too early) or unparseable text is a no-op with reward -1. Some "
      "deals have no solution (about a quarter; solvableOnly deals only solvable ones). Truncated after maxSteps. "
      "Observation: 'Cards: 3, 10, 7, 1', 'Target: 24', 'Formula: (3+'.",
      {
          profileOption(),
          integerOption("target", 24, 0, 10000, "value the formula must reach"),
          booleanOption("solvableOnly", false, "deal only hands some formula solves"),
          maxStepsOption(20),
          requireThinkOption(false),
      },
      "Build a formula that uses all four cards once and equals 24, one token at a time (card numbers, + - * /, "
      "parentheses, and finally =). Face cards count 10. Reward 10 for a correct formula, -1 for an illegal token or "
      "a wrong formula.",
      10,
      false,
      "gym_cards Points24-v0 with verl-agent's projection (env_package/gym_cards)",
  };
  return kInfo;
}

Points24::Config Points24::configure(const Options& options) {
  const cards::CardGameSpec spec{4, 0b1111, true, 20};  // all four operators
  return cards::configureCardGame(info(), options, spec);
}

}  // namespace gigpo
