// The shop's oracle: it searches with the instruction's keywords (the noun and the
// attributes), looks over all (up to 50) results for the product whose best purchase
// scores highest (it can read every product, which a shopper cannot), pages to it, opens
// it, selects the goal's option values it offers, and buys. From a stray page it goes
// back (< prev) or, from a worse item, back to the results.
#pragma once
#include <string>

#include "core/envs/shop/goal.hpp"
#include "core/envs/shop/pages.hpp"

namespace gigpo::shop {

// The best result of the current search, remembered until the next search (the caller
// clears it when the results change).
struct OracleMemo {
  bool known = false;
  int best = 0;
  double value = 0.0;
};

// Returns -1 for "search" (its query written to `query`), else the index of the
// clickable to click among `clickables`.
int oracleMove(const Session& s, const Goal& goal, const Catalog& catalog, const ClickableList& clickables,
               int numClickables, OracleMemo& memo, std::string& query);

}  // namespace gigpo::shop
