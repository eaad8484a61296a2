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

// How many sets of cards of the deck have the hand's values (J, Q, K and 10 give 16 cards
// of value 10): the weight of the hand's multiset of values in a deal.
uint32_t handWeight(const Hand& hand);

// Puts the hand's values in a uniformly random order (a deal's order).
void shuffleHand(Pcg32& rng, Hand& hand);

}  // namespace gigpo::cards
