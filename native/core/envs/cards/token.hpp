// The tokens a card-game formula is written in. A number token's id is its value (1..10),
// so `token == value` for numbers; operators, parentheses and `=` follow.
#pragma once
#include <cstdint>
#include <string_view>

namespace gigpo::cards {

enum Token : uint8_t {
  kNoToken = 0,
  // 1..10: the numbers.
  kPlus = 11,
  kMinus,
  kTimes,
  kDivide,
  kOpen,
  kClose,
  kEquals,
  kTokenEnd,
};

constexpr uint8_t kMaxCardValue = 10;

constexpr bool isNumber(uint8_t t) {
  return t >= 1 && t <= kMaxCardValue;
}
constexpr bool isOperator(uint8_t t) {
  return t >= kPlus && t <= kDivide;
}

// Binding strength: numbers (and parenthesised groups) 3, `*` `/` 2, `+` `-` 1.
constexpr int precedence(uint8_t t) {
  return isNumber(t) ? 3 : (t == kTimes || t == kDivide) ? 2 : 1;
}

constexpr std::string_view tokenText(uint8_t t) {
  constexpr std::string_view kNumbers[] = {"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
  if (isNumber(t)) return kNumbers[t];
  switch (t) {
    case kPlus:
      return "+";
    case kMinus:
      return "-";
    case kTimes:
      return "*";
    case kDivide:
      return "/";
    case kOpen:
      return "(";
    case kClose:
      return ")";
    case kEquals:
      return "=";
    default:
      return "";
  }
}

}  // namespace gigpo::cards
