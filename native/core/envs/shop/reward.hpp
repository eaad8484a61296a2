// The reward of a purchase, as WebShop defines it:
//   r = typeMatch * (matched attributes + matched options + [price <= budget])
//                 / (goal attributes + goal options + 1)
// An attribute matches when the bought product has it; an option matches when the value
// selected for an option of the same label ("size", "color") is the goal's value. The
// product-type factor is 1 for the goal's product type, 0.5 for another type of the same
// category and 0.1 otherwise. No purchase, no reward.
#pragma once
#include <array>
#include <cstdint>

#include "core/envs/shop/catalog.hpp"
#include "core/envs/shop/goal.hpp"

namespace gigpo::shop {

// Per option slot of a product: the index of the selected value, or -1.
using Selection = std::array<int8_t, kMaxOptionKindsPerType>;
constexpr Selection kNothingSelected = {-1, -1};

double typeMatch(const Goal& goal, const Product& p);
double purchaseReward(const Goal& goal, const Product& p, const Selection& selected);
// The reward of buying p with the best selection (the goal's value wherever p offers
// it); the selection is written to `best`.
double bestReward(const Goal& goal, const Product& p, Selection& best);

}  // namespace gigpo::shop
