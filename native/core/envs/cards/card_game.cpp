#include "core/envs/cards/card_game.hpp"

#include <algorithm>
#include <cstring>

#include "core/envs/cards/python_eval.hpp"
#include "core/errors.hpp"
#include "core/rng.hpp"
#include "core/text/action_tag.hpp"

namespace gigpo::cards {
namespace {

size_t put(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return text.size();
}

size_t putUint(char* out, uint32_t v) {
  char digits[10];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t k = 0; k < n; ++k) out[k] = digits[n - 1 - k];
  return n;
}

// Calls f(hand) for every multiset of `count` card values (values non-decreasing).
template <class F>
void forEachHand(Hand& hand, int at, uint8_t from, F&& f) {
  if (at >= hand.count || at >= kMaxCards) {
    f(hand);
    return;
  }
  for (uint8_t v = from; v <= kMaxCardValue; ++v) {
    hand.values[at] = v;
    forEachHand(hand, at + 1, v, f);
  }
}

}  // namespace

CardGameConfig configureCardGame(const EnvInfo& info, const Options& options, const CardGameSpec& spec) {
  OptionReader r(info.name, options, info.options);
  CardGameConfig c;
  c.numCards = spec.numCards;
  c.rules.operators = spec.operators;
  c.rules.parentheses = spec.parentheses;
  c.reference = r.reference();
  c.referenceMaxTokens = spec.referenceMaxTokens;
  c.rules.target = static_cast<int32_t>(r.integer("target"));
  c.solvableOnly = r.boolean("solvableOnly");
  if (c.reference && c.solvableOnly)
    throw TypeError("options.solvableOnly: profile 'verl-agent' deals as gym_cards does; it has no solvableOnly");
  c.maxSteps = readMaxSteps(r);
  c.requireThink = readRequireThink(r);
  // Actions: the numbers 1..10, the game's operators, its parentheses, then `=`.
  for (uint8_t v = 1; v <= kMaxCardValue; ++v) c.actionTokens[c.numActions++] = v;
  for (uint8_t op = kPlus; op <= kDivide; ++op)
    if (c.rules.allows(op)) c.actionTokens[c.numActions++] = op;
  if (c.rules.parentheses) {
    c.actionTokens[c.numActions++] = kOpen;
    c.actionTokens[c.numActions++] = kClose;
  }
  c.actionTokens[c.numActions++] = kEquals;
  return c;
}

std::shared_ptr<const CardGameShared> makeCardGameShared(const CardGameConfig& config) {
  auto shared = std::make_shared<CardGameShared>();
  if (!config.solvableOnly) return shared;
  Hand hand;
  hand.count = config.numCards;
  uint32_t total = 0;
  forEachHand(hand, 0, 1, [&](const Hand& h) {
    if (!solveHand(h, config.rules).exact) return;
    total += handWeight(h);
    shared->solvableHands.push_back(h);
    shared->cumulativeWeight.push_back(total);
  });
  if (shared->solvableHands.empty())
    throw RangeError("options.target: no hand of " + std::to_string(config.numCards) + " cards can make " +
                     std::to_string(config.rules.target) + ", so solvableOnly cannot deal one");
  return shared;
}

void CardGame::reset(uint64_t levelSeed, uint64_t) {
  Pcg32 rng(levelSeed);
  if (config_.reference) {
    dealReference(rng);
  } else if (config_.solvableOnly) {
    // A solvable multiset with the chance a deal has of being it, in a random order: the
    // same distribution as dealing until the hand is solvable.
    const auto& cumulative = shared_->cumulativeWeight;
    const uint32_t r = rng.below(cumulative.back());
    const size_t k = std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin();
    hand_ = shared_->solvableHands[k];
    shuffleHand(rng, hand_);
  } else {
    hand_ = dealHand(rng, config_.numCards);
  }
  formula_ = Formula();
  planLength_ = 0;
  rawLength_ = 0;
  std::memset(used_, 0, sizeof used_);
}

void CardGame::dealReference(Pcg32& rng) {
  hand_.count = config_.numCards;
  if (config_.numCards != 2) {
    for (int k = 0; k < hand_.count; ++k)
      hand_.values[k] = static_cast<uint8_t>(std::min<uint32_t>(1 + rng.below(13), kMaxCardValue));
    return;
  }
  // ezpoints: a first card 2..K, a second that makes the target (12) with it.
  const uint32_t first = std::min<uint32_t>(2 + rng.below(12), kMaxCardValue);
  const uint32_t target = static_cast<uint32_t>(config_.rules.target);
  const bool divides = first != 0 && target % first == 0 && target / first <= kMaxCardValue && target / first >= 1;
  const bool product = divides && rng.uniform() <= 0.5;
  const uint32_t second = product ? target / first : target > first ? target - first : 0;
  hand_.values[0] = static_cast<uint8_t>(first);
  hand_.values[1] = static_cast<uint8_t>(std::min<uint32_t>(second, kMaxCardValue));
  if (rng.uniform() <= 0.5) std::swap(hand_.values[0], hand_.values[1]);
}

StepResult CardGame::stepReference(uint8_t token) {
  StepResult r;
  r.reward = 0.0f;
  if (token == kNoToken) {
    r.valid = false;
    return r;
  }
  if (rawLength_ > config_.referenceMaxTokens) return r;  // the formula is full: a no-op
  if (isNumber(token)) {
    int have = 0;
    for (int k = 0; k < hand_.count; ++k) have += hand_.values[k] == token;
    if (used_[token] + 1 > have) return r;  // no unused card of this value: a no-op
    ++used_[token];
  }
  if (token == kEquals) {
    char text[kMaxReferenceTokens * 2];
    size_t at = 0;
    for (int k = 0; k < rawLength_; ++k) at += put(text + at, tokenText(raw_[k]));
    int usedCards = 0;
    for (uint8_t u : used_) usedCards += u;
    const auto value = pythonArithmetic(std::string_view(text, at));
    r.done = true;
    if (value && *value == static_cast<double>(config_.rules.target) && usedCards == hand_.count)
      r.reward = kCorrectReward;
    return r;
  }
  raw_[rawLength_++] = token;
  return r;
}

StepResult CardGame::step(int32_t action) {
  StepResult r;
  const uint8_t token = action >= 0 ? config_.actionTokens[action] : uint8_t{kNoToken};
  if (config_.reference) return stepReference(token);
  if (token == kNoToken || formula_.check(token, hand_) != Verdict::kLegal) {
    r.reward = kIllegalReward;
    r.valid = false;
    return r;
  }
  formula_.push(token, hand_);
  if (token == kEquals) {
    auto value = formula_.value();
    r.done = true;
    r.reward = value && *value == Rational(config_.rules.target) ? kCorrectReward : kWrongReward;
  }
  return r;
}

size_t CardGame::render(char* out) const {
  size_t at = put(out, "Cards: ");
  for (int k = 0; k < hand_.count; ++k) {
    if (k) at += put(out + at, ", ");
    at += putUint(out + at, hand_.values[k]);
  }
  at += put(out + at, "\nTarget: ");
  at += putUint(out + at, static_cast<uint32_t>(config_.rules.target));
  at += put(out + at, "\nFormula:");
  if (config_.reference && rawLength_) {
    out[at++] = ' ';
    for (int k = 0; k < rawLength_; ++k) at += put(out + at, tokenText(raw_[k]));
  } else if (formula_.length()) {
    out[at++] = ' ';
    at += formula_.render(out + at);
  }
  return at;
}

int32_t CardGame::parseReference(std::string_view response) const {
  // Lower-casing only matters for the key, so compare it ignoring case.
  size_t from = text::findIgnoreCase(response, "\"action\":");
  if (from == std::string_view::npos) from = response.empty() ? 0 : response.size() - 1;
  std::string rest(response.substr(from));
  int32_t found = kInvalidAction, distinct = 0;
  if (rest.find("10") != std::string::npos) {
    for (size_t at; (at = rest.find("10")) != std::string::npos;) rest.erase(at, 2);
    found = actionOf(10);
    distinct = 1;
  }
  for (int32_t a = 0; a < config_.numActions; ++a) {
    const uint8_t t = config_.actionTokens[a];
    if (t == 10) continue;
    if (rest.find(tokenText(t)) != std::string::npos) {
      found = a;
      ++distinct;
    }
  }
  if (distinct != 1) return kInvalidAction;
  return config_.requireThink && !text::hasThinkTags(response) ? (found | kFlagInvalid) : found;
}

int32_t CardGame::parse(std::string_view response) {
  if (config_.reference) return parseReference(response);
  auto text = text::extractAction(response, config_.requireThink);
  if (!text) return kInvalidAction;
  for (int32_t a = 0; a < config_.numActions; ++a)
    if (*text == tokenText(config_.actionTokens[a])) return a;
  return kInvalidAction;
}

int32_t CardGame::actionOf(uint8_t token) const {
  for (int32_t a = 0; a < config_.numActions; ++a)
    if (config_.actionTokens[a] == token) return a;
  return kInvalidAction;
}

bool CardGame::planFits() const {
  const size_t n = formula_.length();
  return n < planLength_ && std::memcmp(plan_, formula_.tokens(), n) == 0;
}

int32_t CardGame::oracleAction() {
  if (!planFits()) {
    // From the empty formula the tree search is fast; from a formula that left the plan
    // (an exploring policy), search completions of what is there token by token.
    Solution s =
        formula_.length() == 0 ? solveHand(hand_, config_.rules) : completeFormula(formula_, hand_, config_.rules);
    if (!s.found) return actionOf(kEquals);  // nothing completes: `=` is as good as any
    std::memcpy(plan_, s.tokens, s.length);
    plan_[s.length] = kEquals;
    planLength_ = static_cast<uint8_t>(s.length + 1);
  }
  return actionOf(plan_[formula_.length()]);
}

}  // namespace gigpo::cards
