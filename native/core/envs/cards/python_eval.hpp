// The value of a formula as Python's eval() computes it, for profile 'verl-agent' (whose
// card games score a formula with eval): integers written by concatenated digits, binary
// + - * / // **, unary + and -, parentheses; `/` is floating-point division, `**` binds
// tighter than unary minus on its left and is right-associative. Any syntax error
// (juxtaposed groups, an empty or unbalanced formula), division by zero or a non-finite
// result gives nullopt (Python would raise, or produce a complex number).
#pragma once
#include <optional>
#include <string_view>

namespace gigpo::cards {

std::optional<double> pythonArithmetic(std::string_view formula);

}  // namespace gigpo::cards
