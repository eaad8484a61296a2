// Points24: four cards; build a formula with + - * / and parentheses that uses each card
// once and equals 24, in exact rational arithmetic. Every deal is dealt by default, so
// some have no solution (the oracle then plays the closest formula).
// Rules, rewards and observation: cards/card_game.hpp; token legality: cards/formula.hpp.
#pragma once
#include "core/envs/cards/card_game.hpp"

namespace gigpo {

class Points24 : public cards::CardGame {
 public:
  using CardGame::CardGame;
  static const EnvInfo& info();
  static Config configure(const Options& options);
  static std::shared_ptr<const Shared> makeShared(const Config& config) { return cards::makeCardGameShared(config); }
};

}  // namespace gigpo
