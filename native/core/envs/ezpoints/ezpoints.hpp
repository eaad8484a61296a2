// EzPoints: two cards; build a formula with `+` and `*` that uses both and equals 12.
// Only hands that can make the target are dealt by default (few random pairs can).
// Rules, rewards and observation: cards/card_game.hpp; token legality: cards/formula.hpp.
#pragma once
#include "core/envs/cards/card_game.hpp"

namespace gigpo {

class EzPoints : public cards::CardGame {
 public:
  using CardGame::CardGame;
  static const EnvInfo& info();
  static Config configure(const Options& options);
  static std::shared_ptr<const Shared> makeShared(const Config& config) { return cards::makeCardGameShared(config); }
};

}  // namespace gigpo
