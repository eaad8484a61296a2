#include "core/envs/cards/formula.hpp"

#include <cstring>

namespace gigpo::cards {
namespace {

// Recursive descent over a token array: expr := term (+|- term)*, term := factor (*|/
// factor)*, factor := number | ( expr ). Tracks failure instead of throwing: formulas
// are tiny and failure (division by zero, malformed input) is an ordinary outcome.
class Evaluator {
 public:
  Evaluator(const uint8_t* tokens, size_t count) : tokens_(tokens), count_(count) {}

  std::optional<Rational> run() {
    Rational v = expr();
    if (!ok_ || at_ != count_) return std::nullopt;
    return v;
  }

 private:
  uint8_t peek() const { return at_ < count_ ? tokens_[at_] : uint8_t{kNoToken}; }

  Rational expr() {
    Rational v = term();
    while (ok_ && (peek() == kPlus || peek() == kMinus)) {
      uint8_t op = tokens_[at_++];
      Rational r = term();
      v = op == kPlus ? v + r : v - r;
    }
    return v;
  }

  Rational term() {
    Rational v = factor();
    while (ok_ && (peek() == kTimes || peek() == kDivide)) {
      uint8_t op = tokens_[at_++];
      Rational r = factor();
      if (op == kTimes) {
        v = v * r;
      } else if (r.isZero()) {
        ok_ = false;
      } else {
        v = v / r;
      }
    }
    return v;
  }

  Rational factor() {
    uint8_t t = peek();
    if (isNumber(t)) {
      ++at_;
      return Rational(t);
    }
    if (t == kOpen) {
      ++at_;
      Rational v = expr();
      if (peek() != kClose) ok_ = false;
      ++at_;
      return v;
    }
    ok_ = false;
    return Rational();
  }

  const uint8_t* tokens_;
  size_t count_;
  size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace

std::optional<Rational> evaluate(const uint8_t* tokens, size_t count) {
  return Evaluator(tokens, count).run();
}

int Formula::unusedCard(uint8_t number, const Hand& hand) const {
  for (int k = 0; k < hand.count; ++k)
    if (hand.values[k] == number && !(used_ & (1u << k))) return k;
  return -1;
}

Verdict Formula::check(uint8_t token, const Hand& hand) const {
  if (finished_) return Verdict::kFinished;
  if (isNumber(token)) {
    if (!expectOperand_) return Verdict::kOperatorExpected;
    return unusedCard(token, hand) < 0 ? Verdict::kNotInHand : Verdict::kLegal;
  }
  switch (token) {
    case kOpen:
      if (!expectOperand_) return Verdict::kOperatorExpected;
      return opened_ + 1 < hand.count ? Verdict::kLegal : Verdict::kParenLimit;
    case kClose:
      if (expectOperand_) return Verdict::kOperandExpected;
      return depth_ > 0 ? Verdict::kLegal : Verdict::kNothingToClose;
    case kEquals:
      if (expectOperand_) return Verdict::kOperandExpected;
      return complete(hand) ? Verdict::kLegal : Verdict::kIncomplete;
    default:  // an operator
      if (expectOperand_) return Verdict::kOperandExpected;
      return used_ != allUsed(hand) ? Verdict::kLegal : Verdict::kNoCardLeft;
  }
}

void Formula::push(uint8_t token, const Hand& hand) {
  tokens_[length_++] = token;
  if (isNumber(token)) {
    used_ |= static_cast<uint8_t>(1u << unusedCard(token, hand));
    expectOperand_ = false;
  } else if (token == kOpen) {
    ++depth_;
    ++opened_;
  } else if (token == kClose) {
    --depth_;
  } else if (token == kEquals) {
    finished_ = true;
  } else {
    expectOperand_ = true;
  }
}

std::optional<Rational> Formula::value() const {
  size_t n = finished_ ? length_ - 1u : length_;
  return evaluate(tokens_, n);
}

size_t Formula::render(char* out) const {
  size_t at = 0;
  for (size_t k = 0; k < length_; ++k) {
    std::string_view text = tokenText(tokens_[k]);
    std::memcpy(out + at, text.data(), text.size());
    at += text.size();
  }
  return at;
}

}  // namespace gigpo::cards
