// NumberLine: walk from a start position to a target on 0..maxPosition with `+` and `-`.
// Reward +1 on reaching the target (the episode ends), -1 for a move that does not get
// closer (including bumping into either end, and an invalid action), 0 otherwise.
// Truncated after 2 * maxPosition steps unless maxSteps says otherwise.
// Profile 'verl-agent' (gym_cards): an invalid step earns 0; start and target are two
// uniform draws, a target equal to the start moving to (target + 1) mod maxPosition; parse
// rule: from the first `"action":` on (else only the last character), exactly one of
// `-` and `+` must occur.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/env.hpp"

namespace gigpo {

class NumberLine {
 public:
  enum Action : int32_t { kPlus = 0, kMinus = 1 };

  struct Config {
    uint32_t maxPosition = 5;
    uint32_t maxSteps = 0;  // set by configure(): the maxSteps option, default in info()
    bool requireThink = false;
    bool reference = false;  // profile verl-agent (gym_cards' rules)
  };
  struct Shared {};

  static const EnvInfo& info();
  static Config configure(const Options& options);
  static std::shared_ptr<const Shared> makeShared(const Config&) { return std::make_shared<Shared>(); }

  NumberLine(const Config& config, const Shared&) : config_(config) {}

  int32_t numActions() const { return 2; }
  size_t maxObsBytes() const { return 64; }
  void reset(uint64_t levelSeed, uint64_t dynamicsSeed);
  StepResult step(int32_t action);
  size_t render(char* out) const;
  int32_t parse(std::string_view response);
  int32_t oracleAction() { return position_ < target_ ? kPlus : kMinus; }
  std::string actionName(int32_t action) const { return action == kPlus ? "+" : "-"; }

  uint32_t position() const { return position_; }
  uint32_t target() const { return target_; }

 private:
  Config config_;
  uint32_t position_ = 0;
  uint32_t target_ = 0;
};

}  // namespace gigpo
