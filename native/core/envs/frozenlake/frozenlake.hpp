// FrozenLake: walk from the top-left corner of a frozen lake to the goal in the
// bottom-right corner without falling into a hole. Every level seed gives its own random
// map (lake_map.hpp) with a path guaranteed.
//   Actions: 0 left, 1 down, 2 right, 3 up (text: the word, any case, or 1-4 in that
//   order). Walking into the edge leaves the player in place.
//   Slippery (option, off by default): the intended move happens with probability 1/3,
//   each perpendicular move with 1/3, drawn from the dynamics seed, so members of a group
//   share the map but not their slips.
//   Reward 1 on reaching the goal (the episode ends); a hole ends the episode with 0;
//   other moves 0; an unparseable response is a no-op with reward 0, flagged invalid.
//   Observation (also the anchor key): the grid, one row per line, no trailing newline:
//   P player, _ frozen, O hole, G goal, X player in a hole, * player on the goal.
// Profile 'verl-agent' (RAGEN's FrozenLake, which verl-agent lacks): RAGEN's maps (start
// and goal tiles drawn at random, lake_map.hpp), slippery by default, and the player on the
// goal is shown as √. Parse rule: verl-agent's text-env projection (the first tag pair,
// lower-cased; the first of up, down, left, right contained in it, in that order).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/env.hpp"
#include "core/envs/frozenlake/lake_map.hpp"
#include "core/envs/frozenlake/lake_oracle.hpp"
#include "core/rng.hpp"

namespace gigpo {

class FrozenLake {
 public:
  struct Config {
    uint32_t maxSteps = 0;  // set by configure(): the maxSteps option, default in info()
    uint8_t size = 4;
    uint64_t frozen = 0;  // frozen probability * 2^32
    bool slippery = false;
    bool reference = false;  // profile verl-agent
    bool requireThink = false;
  };
  struct Shared {};

  static const EnvInfo& info();
  static Config configure(const Options& options);
  static std::shared_ptr<const Shared> makeShared(const Config&) { return std::make_shared<Shared>(); }

  FrozenLake(const Config& config, const Shared&) : config_(config) {}

  int32_t numActions() const { return 4; }
  size_t maxObsBytes() const { return static_cast<size_t>(config_.size) * (config_.size + 1) + 2; }
  void reset(uint64_t levelSeed, uint64_t dynamicsSeed);
  StepResult step(int32_t action);
  size_t render(char* out) const;
  int32_t parse(std::string_view response);
  int32_t oracleAction();
  std::string actionName(int32_t action) const;

  const frozenlake::LakeMap& map() const { return map_; }

 private:
  Config config_;
  frozenlake::LakeMap map_;
  Pcg32 dynamics_;
  uint8_t row_ = 0, col_ = 0;
  bool planned_ = false;  // policy_ holds the oracle's plan for this map
  uint32_t policy_[frozenlake::LakeMap::kMaxSize] = {};
};

}  // namespace gigpo
