// The purchase score of profile verl-agent, with WebShop's fuzzy matching (its reward's
// attribute and option rules; reward.hpp has the exact-match form of profile native):
//   attribute g of the goal matches when some attribute of the product has
//     tokenSetRatio(attribute, g) > 85 (core/text/token_set_ratio.hpp), or else when g
//     occurs in the product's title, its features joined by spaces, or its description,
//     all lower-cased;
//   option value g of the goal matches when some SELECTED value v of the product (whatever
//     its label) has tokenSetRatio(colour(v), colour(g)) > 85, where colour(s) is the first
//     word of WebShop's colour list that occurs in s (as a substring), else s itself;
//   price within the budget as in profile native; the product-type factor is profile
//   native's (WebShop's compares spaCy noun parses of the product names, which this
//   catalog's single-noun types make a match of type, then of category).
#pragma once
#include <string_view>

#include "core/envs/shop/catalog.hpp"
#include "core/envs/shop/goal.hpp"
#include "core/envs/shop/reward.hpp"

namespace gigpo::shop {

double webshopPurchaseReward(const Goal& goal, const Catalog& catalog, const Product& p, const Selection& selected);

// WebShop's colour normalisation of an option value (exposed for tests).
std::string_view webshopColour(std::string_view value);

}  // namespace gigpo::shop
