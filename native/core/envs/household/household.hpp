// Household: an ALFWorld-like text game, generated per seed. A home of numbered
// receptacles (cabinets, drawers, a fridge, a microwave, a sinkbasin, ...) holds numbered
// objects; the agent gets one of six tasks ("Your task is to: put a clean mug in cabinet
// 2.") and acts with typed commands. Reward 10 when the task is done (the episode ends),
// 0 otherwise; 50 steps by default.
//
// Observation (also the anchor key: it holds no history beyond the last action's
// feedback, and no step counter, so equal states of a group hash equally):
//   <feedback of the last action, or the look-around text after reset>
//   Your task is to: <instruction>
//   Admissible commands: <command>, <command>, ...
//
// State anchor (stateKey): the observation plus the whole world (inventory, every object's
// location and state, open receptacles), so equal texts with different worlds differ.
//
// Action ids: id k < numAdmissible() is the k-th admissible command as listed in the
// observation (commands.hpp gives the order); numActions() = kMaxCommands is a fixed
// upper bound. Any other id (and -1, an unparseable response) answers "Nothing happens."
// and is flagged invalid, with the state unchanged. parse() takes the text of the last
// <action>...</action>, normalises case, spaces and a trailing period, and finds it among
// the admissible commands ("put O in R", "put O on R" and "put O in/on R" all match the
// put command). actionName(k) is the k-th admissible command's text ("" past the list).
//
// Profile 'verl-agent' (verl-agent's ALFWorld): a put is written "move O to R"; the
// observation is the raw game text (after reset the look-around and the task, after a
// step only its feedback), without the admissible list; parse rule: the text between the
// FIRST "<action>" and "</action>", lower-cased; no tag pair = invalid; a command that is
// not admissible is a VALID step answered "Nothing happens." (action kMaxCommands); a
// response without both "<think>" and "</think>", or with a CJK ideograph, is flagged
// invalid but its command runs. ALFWorld's `slice O with knife N` is admissible while the
// agent holds the knife (commands.hpp) and answers "You sliced the O with the knife N.";
// `help` (action kHelpAction, not in the admissible list, as verl-agent hides it) answers
// with the command forms and changes nothing; a put answers "You move the O to the R."
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/env.hpp"
#include "core/envs/household/commands.hpp"
#include "core/envs/household/task.hpp"
#include "core/envs/household/world.hpp"

namespace gigpo {

class Household {
 public:
  static constexpr float kSuccessReward = 10.0f;
  // Worst case ~3 KB: 26 objects at one receptacle (~700 bytes of feedback) plus 37 go-to
  // and 25 take commands (~2 KB) and the task; render() truncates with a marker regardless.
  static constexpr size_t kMaxObsBytes = 4096;

  struct Config {
    uint32_t maxSteps = 0;  // set by configure(): the maxSteps option, default in info()
    bool requireThink = false;
    bool reference = false;  // profile verl-agent
  };
  struct Shared {};

  static const EnvInfo& info();
  static Config configure(const Options& options);
  static std::shared_ptr<const Shared> makeShared(const Config&) { return std::make_shared<Shared>(); }

  Household(const Config& config, const Shared&);

  // verl-agent: id kMaxCommands is "a command that is not admissible", kHelpAction `help`.
  static constexpr int32_t kHelpAction = household::kMaxCommands + 1;
  int32_t numActions() const { return household::kMaxCommands + (config_.reference ? 2 : 0); }
  size_t maxObsBytes() const { return kMaxObsBytes; }
  void reset(uint64_t levelSeed, uint64_t dynamicsSeed);
  StepResult step(int32_t action);
  size_t render(char* out) const;
  // The observation, then the world: the agent's place and hands, every receptacle's
  // open flag, every object's place and clean/hot/cool flags, the lamp.
  void stateKey(std::string& out) const;
  int32_t parse(std::string_view response);
  int32_t oracleAction();
  std::string actionName(int32_t action) const;
  bool admissible(int32_t action) const { return action >= 0 && action < numCommands_; }

  int32_t numAdmissible() const { return numCommands_; }
  const household::World& world() const { return world_; }
  const household::Task& task() const { return task_; }

 private:
  void listCommands();
  std::string_view commandText(int32_t k) const {
    return std::string_view(commandText_).substr(commandOffsets_[k], commandOffsets_[k + 1] - commandOffsets_[k]);
  }

  Config config_;
  household::World world_;
  household::Task task_;
  std::string instruction_;
  std::string feedback_;
  household::CommandList commands_;
  int32_t numCommands_ = 0;
  std::string commandText_;  // the admissible commands' texts, back to back
  std::array<uint32_t, household::kMaxCommands + 1> commandOffsets_{};
  std::string typed_;     // parse() scratch
  bool stepped_ = false;  // a step was taken this episode (verl-agent's observation)
};

}  // namespace gigpo
