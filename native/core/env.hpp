// The environment contract. An environment is a plain struct; the batch (batch.hpp) is
// templated on it, so stepping N environments is a flat loop with no virtual call per env.
//
//   struct MyEnv {
//     struct Config { uint32_t maxSteps; ... };       // validated options; maxSteps is required
//     struct Shared { ... };                          // read-only data shared by a batch (levels,
//                                                     // catalogs); an empty struct when none
//     static const EnvInfo& info();                   // name, description, declared options
//     static Config configure(const Options&);        // throws TypeError/RangeError naming the option
//     static std::shared_ptr<const Shared> makeShared(const Config&);
//     MyEnv(const Config&, const Shared&);
//     int32_t numActions() const;                     // discrete actions are 0..numActions-1
//     size_t maxObsBytes() const;                     // bound on render() (and key()) output
//     void reset(uint64_t levelSeed, uint64_t dynamicsSeed);
//     StepResult step(int32_t action);                // action -1 = unparseable: invalid no-op
//     size_t render(char* out) const;                 // the text observation
//     int32_t parse(std::string_view response);       // LLM text -> action, -1 when invalid
//   };
//
// parse() may return `action | kFlagInvalid`: run `action` but report the step invalid
// (profile 'verl-agent': a well-formed action without the required <think> block).
//
// Optional members, detected at compile time:
//     size_t key(char* out) const;                    // canonical state bytes for anchors; without
//                                                     // it the anchor is the hash of render()'s output
//     void stateKey(std::string& out) const;          // appends the FULL canonical state's bytes
//                                                     // (the state anchor); without it the state
//                                                     // anchor is the anchor (key() is the full state)
//     int32_t oracleAction();                         // a good action now (tests, oracle policy)
//     bool admissible(int32_t action) const;          // `action` is legal now (prompts, random
//                                                     // policy); without it every action is
//     std::string actionName(int32_t action) const;   // text an LLM would answer for `action`
//     static constexpr bool kCacheShared = true;      // Shared is a pure function of the options
//                                                     // (not of files), so batches may share it
#pragma once
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/options.hpp"

namespace gigpo {

// Action ids with a meaning of their own (real actions are 0..numActions-1).
constexpr int32_t kInvalidAction = -1;  // the response did not parse: an invalid no-op
constexpr int32_t kHoldAction = -2;     // batch only: leave this env untouched
// Set by parse() on a real action: run it, but flag the step invalid.
constexpr int32_t kFlagInvalid = int32_t{1} << 30;

struct StepResult {
  float reward = 0.0f;
  bool done = false;  // the episode ended by the environment's rules
  bool valid = true;  // the action was legal here
};

// What the engine and the prompts know of an environment; listEnvs() shows all of it.
struct EnvInfo {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;
  std::string task;                      // what the agent is doing and the rules (prompts)
  double successReward = 0;              // an episode that ends with a last reward >= this succeeded
  bool observationListsActions = false;  // the observation lists the admissible actions itself
  std::string reference;                 // what profile 'verl-agent' reproduces
  // Where profile 'verl-agent' differs (unset = as native).
  std::optional<double> referenceSuccessReward;
  std::optional<bool> referenceListsActions;
};

template <class E>
concept Environment = requires(E env, const E cenv, const typename E::Config& cfg, const Options& opts,
                               std::string_view text, char* out, uint64_t seed, int32_t action) {
  { E::info() } -> std::same_as<const EnvInfo&>;
  { E::configure(opts) } -> std::same_as<typename E::Config>;
  { E::makeShared(cfg) } -> std::same_as<std::shared_ptr<const typename E::Shared>>;
  { cfg.maxSteps } -> std::convertible_to<uint32_t>;
  { cenv.numActions() } -> std::same_as<int32_t>;
  { cenv.maxObsBytes() } -> std::same_as<size_t>;
  {env.reset(seed, seed)};
  { env.step(action) } -> std::same_as<StepResult>;
  { cenv.render(out) } -> std::same_as<size_t>;
  { env.parse(text) } -> std::same_as<int32_t>;
};

template <class E>
concept HasOracle = requires(E env) {
  { env.oracleAction() } -> std::same_as<int32_t>;
};

// The state key must determine key(): equal state keys imply equal anchors, so grouping
// on the state anchor refines grouping on the anchor.
template <class E>
concept HasStateKey = requires(const E env, std::string& out) {
  {env.stateKey(out)};
};

template <class E>
concept HasAdmissible = requires(const E env, int32_t action) {
  { env.admissible(action) } -> std::same_as<bool>;
};

template <class E>
concept HasActionNames = requires(const E env, int32_t action) {
  { env.actionName(action) } -> std::same_as<std::string>;
};

template <class E>
constexpr bool cacheableShared() {
  if constexpr (requires { E::kCacheShared; }) return E::kCacheShared;
  return false;
}

template <class E>
concept HasKey = requires(const E env, char* out) {
  { env.key(out) } -> std::same_as<size_t>;
};

// Without a key() of its own, an environment's anchor is its observation.
template <class E>
constexpr bool keyIsObservation() {
  return !HasKey<E>;
}

}  // namespace gigpo
