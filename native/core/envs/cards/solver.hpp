// Exact search for a formula that makes the target (the card games' oracle and their
// "only solvable deals" table). Exhaustive, so "no exact formula found" means none exists
// under the rules; then the search returns a formula whose value comes closest.
#pragma once
#include <cstdint>

#include "core/envs/cards/formula.hpp"
#include "core/envs/cards/hand.hpp"
#include "core/envs/cards/rational.hpp"

namespace gigpo::cards {

struct FormulaRules {
  int32_t target = 24;
  uint8_t operators = 0;     // bit (op - kPlus) set: that operator may be used
  bool parentheses = false;  // `(` and `)` may be used

  bool allows(uint8_t op) const { return operators & (1u << (op - kPlus)); }
};

// A complete formula (without the final `=`).
struct Solution {
  uint8_t tokens[Formula::kMaxTokens] = {};
  uint8_t length = 0;
  Rational value;
  bool found = false;  // some complete formula exists (always, unless the rules forbid every one)
  bool exact = false;  // value == target
};

// Over expression trees of the whole hand: every way to combine two values with an
// operator, recursively; written out with only the parentheses the tree needs.
Solution solveHand(const Hand& hand, const FormulaRules& rules);

// The best completion of a started formula, searched token by token with the formula's own
// rules (for states the tree search cannot start from). Returns the whole formula.
Solution completeFormula(const Formula& start, const Hand& hand, const FormulaRules& rules);

}  // namespace gigpo::cards
