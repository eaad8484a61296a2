// The cards dealt to the agent: drawn without replacement from a shuffled 52-card deck
// (4 suits of A, 2..10, J, Q, K); an ace counts 1 and J, Q, K count 10. Only the values
// matter to the games, so a hand stores values.
#pragma once
#include <cstdint>

#include "core/rng.hpp"

namespace gigpo::cards {

constexpr int kMaxCards = 4;

struct Hand {
  uint8_t count = 0;
  uint8_t values[kMaxCards] = {};
};

Hand dealHand(Pcg32& rng, int count);

// The hand's values as a multiset: sorted values read as base-11 digits. Equal multisets
// give equal codes; codes are below handCodeLimit(count).
uint32_t handCode(const Hand& hand);
uint32_t handCodeLimit(int count);

}  // namespace gigpo::cards
