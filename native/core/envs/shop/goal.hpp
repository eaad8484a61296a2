// What the shopper is asked to buy. A goal is drawn from one catalog product: its type,
// 1-3 of its attributes, one offered value for each of its option kinds, and a budget
// above its price. The instruction says all of it in one sentence:
//   "i need a t-shirt that is cotton and long sleeve, in size large and in navy color,
//    and price lower than 40.00 dollars"
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/envs/shop/catalog.hpp"
#include "core/rng.hpp"

namespace gigpo::shop {

constexpr int kMaxGoalAttributes = 3;

struct GoalOption {
  uint8_t kind = 0;        // OptionKind index (for the instruction's phrase)
  std::string_view label;  // "size", "color", ...
  std::string_view value;  // "large", "navy", ...
};

struct Goal {
  uint32_t product = 0;  // the product it was drawn from (it satisfies the goal fully)
  uint8_t type = 0;
  uint8_t numAttributes = 0;
  std::array<std::string_view, kMaxGoalAttributes> attributes;
  uint8_t numOptions = 0;
  std::array<GoalOption, kMaxOptionKindsPerType> options;
  uint32_t budgetCents = 0;
  uint8_t phrasing = 0;
};

Goal drawGoal(Pcg32& rng, const Catalog& catalog);
void appendInstruction(const Goal& goal, std::string& out);
// The words an informed shopper would search for: the noun and the attributes.
void appendKeywords(const Goal& goal, std::string& out);

}  // namespace gigpo::shop
