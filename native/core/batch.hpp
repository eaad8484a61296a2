// A batch of N environments of one type, stepped in one call. Outputs go into arrays
// bound once (BatchOutputs). Env i owns the fixed slot obsBytes[i * maxObsBytes ..
// (i + 1) * maxObsBytes); its observation is the first obsLengths[i] bytes of that slot
// and its anchor hash is the hash of its canonical key. Fixed slots let stepAt() touch
// only the envs it steps: stepping k of N envs costs O(k).
//
// Actions: 0..numActions-1; kInvalidAction (-1) = the response did not parse (an invalid
// no-op the env still charges for); kHoldAction (-2) = leave this env untouched this call;
// a real action | kFlagInvalid (as parse() returns it) = run it but report the step invalid.
// Auto-reset is next-step: an env that ended is reset by the following step call (its
// action is then ignored) and that call reports reset[i] = 1 with reward 0.
// Seeding: env i belongs to group firstGroup + i / groupSize; its e-th episode starts from
// deriveSeed(seed, group, e), so the members of a group start in identical states, and
// draws in-episode randomness from deriveSeed(seed, group, e, member + 1).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/env.hpp"
#include "core/shared_cache.hpp"

namespace gigpo {

struct BatchConfig {
  uint32_t numEnvs = 1;
  uint32_t groupSize = 1;  // must divide numEnvs
  uint64_t seed = 0;
  // Global id of this batch's first group: a shard of a larger rollout (a worker thread,
  // another machine) seeds its envs exactly as the whole batch would.
  uint32_t firstGroup = 0;
};

// The most memory one batch may take (an estimate computed before allocating; see
// Batch::estimatedBytes). Larger rollouts are sharded over batches, threads or machines.
constexpr uint64_t kMaxBatchBytes = uint64_t{8} << 30;

struct BatchShape {
  std::string env;
  uint32_t numEnvs = 0;
  uint32_t groupSize = 0;
  uint32_t firstGroup = 0;
  uint32_t maxSteps = 0;
  int32_t numActions = 0;
  size_t maxObsBytes = 0;    // per environment
  size_t obsCapacity = 0;    // numEnvs * maxObsBytes: the size obsBytes must have
  uint64_t memoryBytes = 0;  // estimated native memory of the envs (without shared data)
  bool hasOracle = false;
};

// Arrays of numEnvs elements each, except obsBytes (obsCapacity).
struct BatchOutputs {
  float* reward = nullptr;
  uint8_t* done = nullptr;
  uint8_t* truncated = nullptr;
  uint8_t* valid = nullptr;
  uint8_t* reset = nullptr;
  uint32_t* episodeStep = nullptr;  // steps taken in the current episode
  uint64_t* anchor = nullptr;       // hash of the current state's key
  uint32_t* obsLengths = nullptr;   // bytes of env i's observation in its slot
  uint8_t* obsBytes = nullptr;
  uint64_t* stateAnchor = nullptr;  // hash of its full state (env.hpp: stateKey), else = anchor
};

class BatchBase {
 public:
  virtual ~BatchBase() = default;
  const BatchShape& shape() const { return shape_; }

  // All pointers must stay valid until the next bind() or destruction.
  void bind(const BatchOutputs& out) { out_ = out; }
  bool bound() const { return out_.reward != nullptr; }

  // Every env back to episode 0 of `seed`'s schedule.
  virtual void reset(uint64_t seed) = 0;
  // Throws RangeError naming the first bad index before touching any env.
  virtual void step(const int32_t* actions) = 0;
  // Parses each response with its env's parser and steps; envs with hold[i] != 0 (when
  // hold is given) are left untouched.
  virtual void stepText(const std::string_view* responses, const uint8_t* hold) = 0;
  // Steps only envs indices[0..count): env indices[j] takes actions[j] (stepAt) or parses
  // responses[j] (stepTextAt). Every other env and its outputs stay as they were. Indices
  // must be distinct and < numEnvs; a bad index or action throws RangeError naming its
  // position before any env is touched. Costs O(count), not O(numEnvs).
  virtual void stepAt(const uint32_t* indices, size_t count, const int32_t* actions) = 0;
  virtual void stepTextAt(const uint32_t* indices, size_t count, const std::string_view* responses) = 0;
  // Puts env indices[j] at the start of episode 0 of group groups[j], member members[j]
  // (the state env `members[j]` of group `groups[j]` starts from in a batch of this seed),
  // and publishes only those envs; its later auto-resets continue that group's schedule.
  // This is how one batch serves independent sessions, each on a task of its own. Same index
  // rules and errors as stepAt; reset(seed) restores every env's own group and member.
  virtual void resetAt(const uint32_t* indices, size_t count, const uint32_t* groups, const uint32_t* members) = 0;
  virtual void parse(const std::string_view* responses, int32_t* actions) = 0;
  // Parses responses[j] with env indices[j]'s parser into actions[j]; the same index rules
  // as stepAt, O(count), no env is stepped.
  virtual void parseAt(const uint32_t* indices, size_t count, const std::string_view* responses, int32_t* actions) = 0;
  virtual std::string key(uint32_t env) const = 0;
  virtual std::string actionName(uint32_t env, int32_t action) const = 0;
  // The actions env may take now, ascending (every action when the env does not say).
  virtual std::vector<int32_t> admissibleActions(uint32_t env) const = 0;
  // Throws TypeError when the env type has no oracle.
  virtual void oracleActions(int32_t* actions) = 0;

 protected:
  BatchShape shape_;
  BatchOutputs out_;
};

// `cache` (optional) keeps the env's shared data across batches with the same options.
std::unique_ptr<BatchBase> makeBatch(const std::string& env, const BatchConfig& config, const Options& options,
                                     SharedCache* cache = nullptr);

}  // namespace gigpo
