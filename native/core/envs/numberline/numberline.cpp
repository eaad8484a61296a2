#include "core/envs/numberline/numberline.hpp"

#include <cstring>

#include "core/rng.hpp"
#include "core/text/action_tag.hpp"

namespace gigpo {

const EnvInfo& NumberLine::info() {
  static const EnvInfo kInfo{
      "numberline",
      "Move along 0..maxPosition to the target with '+' and '-'; +1 on arrival, -1 for a move that does not get "
      "closer.",
      {
          profileOption(),
          integerOption("maxPosition", 5, 2, 1000000, "largest position on the line"),
          maxStepsOption(10).derivedDefault("2*maxPosition"),
          requireThinkOption(false),
      },
      "Move along a number line to the target position. \"+\" moves up by one, \"-\" down by one. +1 on arrival, -1 "
      "for a move that does not get closer.",
      1,
      false,
      "gym_cards NumberLine-v0 with verl-agent's projection (env_package/gym_cards)",
  };
  return kInfo;
}

NumberLine::Config NumberLine::configure(const Options& options) {
  OptionReader r(info().name, options, info().options);
  Config c;
  c.reference = r.reference();
  c.maxPosition = static_cast<uint32_t>(r.integer("maxPosition"));
  c.maxSteps = static_cast<uint32_t>(r.integer("maxSteps", 2 * int64_t{c.maxPosition}));
  c.requireThink = readRequireThink(r);
  return c;
}

void NumberLine::reset(uint64_t levelSeed, uint64_t) {
  Pcg32 rng(levelSeed);
  const uint32_t span = config_.maxPosition + 1;
  if (config_.reference) {
    // gym_cards: two uniform draws; a target equal to the start moves to (target + 1) mod maxPosition.
    position_ = rng.below(span);
    target_ = rng.below(span);
    if (target_ == position_) target_ = (target_ + 1) % config_.maxPosition;
    return;
  }
  position_ = rng.below(span);
  // A target different from the start: draw from the other maxPosition positions.
  target_ = rng.below(span - 1);
  if (target_ >= position_) ++target_;
}

StepResult NumberLine::step(int32_t action) {
  StepResult r;
  if (action != kPlus && action != kMinus) {
    r.reward = config_.reference ? 0.0f : -1.0f;
    r.valid = false;
    return r;
  }
  const uint32_t before = position_ > target_ ? position_ - target_ : target_ - position_;
  if (action == kPlus && position_ < config_.maxPosition) ++position_;
  if (action == kMinus && position_ > 0) --position_;
  const uint32_t after = position_ > target_ ? position_ - target_ : target_ - position_;
  if (after == 0) {
    r.reward = 1.0f;
    r.done = true;
  } else if (after >= before) {
    r.reward = -1.0f;
  }
  return r;
}

namespace {

// Appends the decimal digits of v (snprintf costs more than the rest of a step).
char* appendUint(char* out, uint32_t v) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *out++ = digits[--n];
  return out;
}

char* appendText(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

}  // namespace

size_t NumberLine::render(char* out) const {
  char* p = appendText(out, "Position: ");
  p = appendUint(p, position_);
  p = appendText(p, "\nTarget: ");
  p = appendUint(p, target_);
  p = appendText(p, "\nLine: 0..");
  p = appendUint(p, config_.maxPosition);
  return static_cast<size_t>(p - out);
}

int32_t NumberLine::parse(std::string_view response) {
  if (config_.reference) {
    // gym_cards' rule: from the first "action": on (else the last character), exactly one of - and +.
    size_t from = text::findIgnoreCase(response, "\"action\":");
    if (from == std::string_view::npos) from = response.empty() ? 0 : response.size() - 1;
    const std::string_view rest = response.substr(from);
    const bool minus = rest.find('-') != std::string_view::npos, plus = rest.find('+') != std::string_view::npos;
    if (minus == plus) return kInvalidAction;
    const int32_t a = plus ? kPlus : kMinus;
    return config_.requireThink && !text::hasThinkTags(response) ? (a | kFlagInvalid) : a;
  }
  auto text = text::extractAction(response, config_.requireThink);
  if (!text) return kInvalidAction;
  if (*text == "+" || text::equalsIgnoreCase(*text, "plus")) return kPlus;
  if (*text == "-" || text::equalsIgnoreCase(*text, "minus")) return kMinus;
  return kInvalidAction;
}

}  // namespace gigpo
