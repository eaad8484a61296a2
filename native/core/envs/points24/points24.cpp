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
          {"target", OptionKind::Integer, "24", "value the formula must reach (0..10000)"},
          {"solvableOnly", OptionKind::Boolean, "false", "deal only hands some formula solves"},
          maxStepsOption("20"),
          requireThinkOption(),
      }};
  return kInfo;
}

Points24::Config Points24::configure(const Options& options) {
  const cards::CardGameSpec spec{4, 0b1111, true};  // all four operators
  return cards::configureCardGame(info(), options, spec, 24, false, 20);
}

}  // namespace gigpo
