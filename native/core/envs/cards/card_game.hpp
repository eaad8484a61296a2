// The body shared by the card games (ezpoints, points24): deal a hand, build a formula
// one token per step, and score it on `=`. Each game is this class plus its own name,
// description, token set and defaults (ezpoints/, points24/).
//
// Rules of a step (the action is a token; its text is tokenText()):
//   - a legal token (Formula::check) is appended: reward 0;
//   - an illegal token, or an unparseable response (kInvalidAction), changes nothing:
//     reward -1, flagged invalid, the episode goes on;
//   - a legal `=` ends the episode: reward +10 when the formula's exact value equals the
//     target, else -1 (a wrong answer costs what an illegal token costs, and ends the try).
//     A formula that divides by zero has no value, so it is wrong.
// Observation (also the anchor key):
//   Cards: 3, 10, 7, 1
//   Target: 24
//   Formula: (3+10)*
// Cards are shown by value in dealing order (J, Q, K as 10, an ace as 1); the formula is
// its tokens without spaces ("Formula:" alone while empty).
//
// Profile 'verl-agent' (gym_cards, as verl-agent runs it): reward 0 for everything but a
// correct formula (+10); no syntax check: every operator and parenthesis is appended, and
// `=` scores the formula as Python's eval() would (python_eval.hpp) with all cards used; a
// number no unused card has is a valid no-op; once the formula holds more than
// referenceMaxTokens tokens every step is a no-op. Parse rule: the response lower-cased,
// from its first `"action":` on (or only its last character when there is none); exactly
// one distinct token text must occur in it (a "10" is taken out first), else the step is
// an invalid no-op. Deals: ezpoints draws a first card 2..K and a second that makes 12 by
// sum or (when possible, half the time) product, in random order; points24 draws 4 cards
// 1..K independently.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/env.hpp"
#include "core/envs/cards/formula.hpp"
#include "core/envs/cards/hand.hpp"
#include "core/envs/cards/solver.hpp"

namespace gigpo::cards {

struct CardGameConfig {
  uint32_t maxSteps = 0;  // set by configure(): the maxSteps option, default in info()
  bool requireThink = false;
  bool solvableOnly = false;  // deal only hands some formula solves
  uint8_t numCards = 4;
  FormulaRules rules;
  uint8_t numActions = 0;
  uint8_t actionTokens[kTokenEnd] = {};  // action id -> token
  bool reference = false;                // profile verl-agent
  uint8_t referenceMaxTokens = 0;        // verl-agent: the formula stops growing past this
};

// With solvableOnly: every solvable multiset of values and the running sum of their deal
// weights (handWeight), so a deal is one draw instead of redrawing until one is solvable.
struct CardGameShared {
  std::vector<Hand> solvableHands;
  std::vector<uint32_t> cumulativeWeight;
};

// What a game fixes; the rest comes from options.
struct CardGameSpec {
  uint8_t numCards;
  uint8_t operators;  // FormulaRules::operators
  bool parentheses;
  uint8_t referenceMaxTokens;
};

// Reads the options every card game declares: profile, target, solvableOnly, maxSteps,
// requireThink (defaults from `info`).
CardGameConfig configureCardGame(const EnvInfo& info, const Options& options, const CardGameSpec& spec);
// Throws RangeError naming options.target when solvableOnly and no hand can make it.
std::shared_ptr<const CardGameShared> makeCardGameShared(const CardGameConfig& config);

class CardGame {
 public:
  static constexpr float kCorrectReward = 10.0f;
  static constexpr float kIllegalReward = -1.0f;
  static constexpr float kWrongReward = -1.0f;
  static constexpr int kMaxReferenceTokens = 24;
  using Config = CardGameConfig;
  using Shared = CardGameShared;

  CardGame(const Config& config, const Shared& shared) : config_(config), shared_(&shared) {}

  int32_t numActions() const { return config_.numActions; }
  size_t maxObsBytes() const { return 160; }
  void reset(uint64_t levelSeed, uint64_t dynamicsSeed);
  StepResult step(int32_t action);
  size_t render(char* out) const;
  int32_t parse(std::string_view response);
  // The next token of a formula that makes the target from here when one exists (else of
  // one that comes closest), then `=`.
  int32_t oracleAction();
  std::string actionName(int32_t action) const { return std::string(tokenText(config_.actionTokens[action])); }
  // Native: the tokens Formula::check allows now; verl-agent appends every token.
  bool admissible(int32_t action) const {
    return config_.reference || formula_.check(config_.actionTokens[action], hand_) == Verdict::kLegal;
  }

  const Hand& hand() const { return hand_; }
  const Formula& formula() const { return formula_; }

 private:
  int32_t actionOf(uint8_t token) const;
  bool planFits() const;
  void dealReference(Pcg32& rng);
  StepResult stepReference(uint8_t token);
  int32_t parseReference(std::string_view response) const;

  Config config_;
  const Shared* shared_;
  Hand hand_;
  Formula formula_;
  // The oracle's formula (with `=`), found once and followed while the episode keeps to it.
  uint8_t plan_[Formula::kMaxTokens] = {};
  uint8_t planLength_ = 0;
  // Profile verl-agent: the formula as typed (no syntax check) and the cards it used.
  uint8_t raw_[kMaxReferenceTokens] = {};
  uint8_t rawLength_ = 0;
  uint8_t used_[kMaxCardValue + 1] = {};
};

}  // namespace gigpo::cards
