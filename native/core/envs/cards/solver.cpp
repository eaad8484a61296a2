#include "core/envs/cards/solver.hpp"

#include <algorithm>
#include <cstring>

namespace gigpo::cards {
namespace {

constexpr int kMaxExprTokens = Formula::kMaxTokens - 1;  // no `=`

// A subexpression of the tree search: its value and its tokens; `prec` is the binding of
// its outermost operator (3 for a single number).
struct Expr {
  Rational value;
  uint8_t prec = 3;
  uint8_t length = 0;
  uint8_t tokens[kMaxExprTokens] = {};
};

void append(Expr& out, const Expr& part, bool parenthesise) {
  if (parenthesise) out.tokens[out.length++] = kOpen;
  std::memcpy(out.tokens + out.length, part.tokens, part.length);
  out.length = static_cast<uint8_t>(out.length + part.length);
  if (parenthesise) out.tokens[out.length++] = kClose;
}

// a op b, or false when it needs parentheses the rules forbid or divides by zero.
bool combine(const Expr& a, uint8_t op, const Expr& b, const FormulaRules& rules, Expr& out) {
  const int p = precedence(op);
  // The right operand of - and / groups even at equal binding: a-(b+c) != a-b+c.
  const bool left = a.prec < p;
  const bool right = b.prec < p || (b.prec == p && (op == kMinus || op == kDivide));
  if ((left || right) && !rules.parentheses) return false;
  if (op == kDivide && b.value.isZero()) return false;
  switch (op) {
    case kPlus:
      out.value = a.value + b.value;
      break;
    case kMinus:
      out.value = a.value - b.value;
      break;
    case kTimes:
      out.value = a.value * b.value;
      break;
    default:
      out.value = a.value / b.value;
      break;
  }
  out.prec = static_cast<uint8_t>(p);
  out.length = 0;
  append(out, a, left);
  out.tokens[out.length++] = op;
  append(out, b, right);
  return true;
}

class TreeSearch {
 public:
  TreeSearch(const FormulaRules& rules) : rules_(rules), target_(rules.target) {}

  // True once an exact formula is in best().
  bool run(Expr* items, int n) {
    if (n == 1) return consider(items[0]);
    Expr rest[kMaxCards];
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        int m = 0;
        for (int k = 0; k < n; ++k)
          if (k != i && k != j) rest[m++] = items[k];
        // Each operator in each order (both orders only where it matters).
        const struct {
          uint8_t op;
          bool swap;
        } kMoves[] = {{kPlus, false}, {kTimes, false},  {kMinus, false},
                      {kMinus, true}, {kDivide, false}, {kDivide, true}};
        for (auto move : kMoves) {
          if (!rules_.allows(move.op)) continue;
          const Expr& a = move.swap ? items[j] : items[i];
          const Expr& b = move.swap ? items[i] : items[j];
          if (!combine(a, move.op, b, rules_, rest[m])) continue;
          if (run(rest, m + 1)) return true;
        }
      }
    }
    return false;
  }

  Solution best() const { return best_; }

 private:
  bool consider(const Expr& e) {
    const bool exact = e.value == target_;
    if (!best_.found || Rational::distance(e.value, target_) < Rational::distance(best_.value, target_)) {
      best_.found = true;
      best_.exact = exact;
      best_.value = e.value;
      best_.length = e.length;
      std::memcpy(best_.tokens, e.tokens, e.length);
    }
    return exact;
  }

  const FormulaRules& rules_;
  Rational target_;
  Solution best_;
};

class TokenSearch {
 public:
  TokenSearch(const Formula& start, const Hand& hand, const FormulaRules& rules)
      : hand_(hand), rules_(rules), target_(rules.target), startLength_(start.length()) {
    // Candidate tokens: each distinct card value, then the allowed operators and parentheses.
    for (int k = 0; k < hand.count; ++k)
      if (std::find(candidates_, candidates_ + numCandidates_, hand.values[k]) == candidates_ + numCandidates_)
        candidates_[numCandidates_++] = hand.values[k];
    for (uint8_t op = kPlus; op <= kDivide; ++op)
      if (rules.allows(op)) candidates_[numCandidates_++] = op;
    if (rules.parentheses) {
      candidates_[numCandidates_++] = kOpen;
      candidates_[numCandidates_++] = kClose;
    }
  }

  // True once an exact formula is in best().
  bool run(const Formula& f) {
    if (f.complete(hand_)) {
      auto v = f.value();
      return v && consider(f, *v);
    }
    for (int c = 0; c < numCandidates_; ++c) {
      const uint8_t t = candidates_[c];
      if (f.check(t, hand_) != Verdict::kLegal) continue;
      // "(n)" never helps when its `(` is ours to leave out (one in the start formula may
      // have to close right away: 8/(2)+10+10); skipping it keeps the search small.
      const size_t n = f.length();
      if (t == kClose && n >= startLength_ + 2 && f.tokens()[n - 2] == kOpen) continue;
      Formula g = f;
      g.push(t, hand_);
      if (run(g)) return true;
    }
    return false;
  }

  Solution best() const { return best_; }

 private:
  bool consider(const Formula& f, Rational value) {
    const bool exact = value == target_;
    if (!best_.found || Rational::distance(value, target_) < Rational::distance(best_.value, target_)) {
      best_.found = true;
      best_.exact = exact;
      best_.value = value;
      best_.length = static_cast<uint8_t>(f.length());
      std::memcpy(best_.tokens, f.tokens(), f.length());
    }
    return exact;
  }

  const Hand& hand_;
  const FormulaRules& rules_;
  Rational target_;
  size_t startLength_;
  uint8_t candidates_[kMaxCards + 6] = {};
  int numCandidates_ = 0;
  Solution best_;
};

}  // namespace

Solution solveHand(const Hand& hand, const FormulaRules& rules) {
  Expr items[kMaxCards];
  for (int k = 0; k < hand.count; ++k) {
    items[k].value = Rational(hand.values[k]);
    items[k].length = 1;
    items[k].tokens[0] = hand.values[k];
  }
  TreeSearch search(rules);
  search.run(items, hand.count);
  return search.best();
}

Solution completeFormula(const Formula& start, const Hand& hand, const FormulaRules& rules) {
  TokenSearch search(start, hand, rules);
  search.run(start);
  return search.best();
}

}  // namespace gigpo::cards
