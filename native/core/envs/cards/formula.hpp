// A formula built one token at a time, with the rules that decide which token may come
// next (shared by ezpoints and points24):
//   - a number must be the value of a card of the hand not used yet, where an operand is
//     expected (at the start, after an operator or after `(`);
//   - `(` also needs an operand position, and at most (cards - 1) of them may be opened in
//     one formula: one per binary operation is all any formula needs, and the cap bounds
//     the formula's length;
//   - an operator needs an operand before it and an unused card left to follow it;
//   - `)` needs an operand before it and an open `(`;
//   - `=` needs a complete formula: every card used once, every `(` closed.
// So a formula never reaches a dead end, and a complete one is a well-formed expression
// over each card exactly once. Evaluation is exact (Rational), with the usual precedence
// (`*` `/` before `+` `-`, left to right).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/envs/cards/hand.hpp"
#include "core/envs/cards/rational.hpp"
#include "core/envs/cards/token.hpp"

namespace gigpo::cards {

// Why a token may not come next (kLegal when it may).
enum class Verdict : uint8_t {
  kLegal,
  kNotInHand,         // a number no unused card has
  kOperandExpected,   // an operator, `)` or `=` where a number or `(` must come
  kOperatorExpected,  // a number or `(` right after an operand
  kNoCardLeft,        // an operator with every card already used
  kParenLimit,        // a `(` beyond cards - 1 of them
  kNothingToClose,    // `)` with no open `(`
  kIncomplete,        // `=` with an unused card or an open `(`
  kFinished,          // anything after `=`
};

// Value of a token sequence (numbers, operators, parentheses; no `=`), or nullopt when it
// is not a well-formed expression or divides by zero.
std::optional<Rational> evaluate(const uint8_t* tokens, size_t count);

class Formula {
 public:
  // Numbers, operators and parentheses of the longest formula, plus `=`.
  static constexpr int kMaxTokens = (2 * kMaxCards - 1) + 2 * (kMaxCards - 1) + 1;

  Verdict check(uint8_t token, const Hand& hand) const;
  // Appends a token that check() called legal.
  void push(uint8_t token, const Hand& hand);

  // True when `=` may come next.
  bool complete(const Hand& hand) const { return !expectOperand_ && depth_ == 0 && used_ == allUsed(hand); }
  bool finished() const { return finished_; }
  // The value of the tokens before `=` (nullopt on division by zero or when incomplete).
  std::optional<Rational> value() const;

  size_t length() const { return length_; }
  const uint8_t* tokens() const { return tokens_; }
  // The formula as text, e.g. "(3+10)*2"; returns the bytes written (at most 2 per token).
  size_t render(char* out) const;

 private:
  static uint8_t allUsed(const Hand& hand) { return static_cast<uint8_t>((1u << hand.count) - 1); }
  // Index of an unused card of value `number`, or -1.
  int unusedCard(uint8_t number, const Hand& hand) const;

  uint8_t tokens_[kMaxTokens] = {};
  uint8_t length_ = 0;
  uint8_t used_ = 0;    // bit k: card k is in the formula
  uint8_t depth_ = 0;   // `(` open now
  uint8_t opened_ = 0;  // `(` opened so far
  bool expectOperand_ = true;
  bool finished_ = false;
};

}  // namespace gigpo::cards
