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

uint32_t handCode(const Hand& hand) {
  const int n = std::min<int>(hand.count, kMaxCards);
  uint8_t sorted[kMaxCards];
  std::copy(hand.values, hand.values + n, sorted);
  std::sort(sorted, sorted + n);
  uint32_t code = 0;
  for (int k = 0; k < n; ++k) code = code * (kMaxCardValue + 1) + sorted[k];
  return code;
}

uint32_t handCodeLimit(int count) {
  uint32_t limit = 1;
  for (int k = 0; k < count; ++k) limit *= kMaxCardValue + 1;
  return limit;
}

}  // namespace gigpo::cards
