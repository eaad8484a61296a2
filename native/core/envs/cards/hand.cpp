#include "core/envs/cards/hand.hpp"

#include <algorithm>

#include "core/envs/cards/token.hpp"

namespace gigpo::cards {

Hand dealHand(Pcg32& rng, int count) {
  Hand hand;
  hand.count = static_cast<uint8_t>(count);
  uint32_t drawn[kMaxCards];
  for (int k = 0; k < count; ++k) {
    // Drawing a card index not drawn before is the same as dealing from the top of a
    // shuffled deck, without shuffling 52 cards for 2 or 4 of them.
    uint32_t card;
    bool again;
    do {
      card = rng.below(52);
      again = std::find(drawn, drawn + k, card) != drawn + k;
    } while (again);
    drawn[k] = card;
    const uint32_t rank = card % 13 + 1;  // 1 = ace .. 13 = king
    hand.values[k] = static_cast<uint8_t>(std::min<uint32_t>(rank, kMaxCardValue));
  }
  return hand;
}

uint32_t handWeight(const Hand& hand) {
  uint32_t weight = 1;
  for (int k = 0; k < hand.count && k < kMaxCards; ++k) {
    // Cards of this value still in the deck after the equal values before it: choosing
    // m of c cards is c (c-1) ... / m!, built up one equal value at a time.
    uint32_t copies = hand.values[k] == kMaxCardValue ? 16 : 4;
    uint32_t before = static_cast<uint32_t>(std::count(hand.values, hand.values + k, hand.values[k]));
    if (before >= copies) return 0;
    weight = weight * (copies - before) / (before + 1);
  }
  return weight;
}

void shuffleHand(Pcg32& rng, Hand& hand) {
  for (int k = hand.count - 1; k > 0; --k) std::swap(hand.values[k], hand.values[rng.below(k + 1)]);
}

}  // namespace gigpo::cards
