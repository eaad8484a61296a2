// The native policies' actions (lib/policy/native.ts: random, oracle with epsilon), drawn
// for a whole batch in one call. Each env has its own random stream: SFC32 (128-bit state,
// four 32-bit words), seeded from the 64-bit key seed ^ ((first + i + 1) * 0xD1B54A32D192ED03)
// by two SplitMix64 outputs and 12 warm-up steps, exactly as lib/seeded-random.ts seeds its
// streams, so the draws are the same numbers in C++ and TypeScript. Env i of a batch whose
// first env has global index `first` uses stream first + i: a trajectory's actions do not
// depend on how a rollout is sharded. The caller owns the stream state (4 words per env).
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/batch.hpp"

namespace gigpo {

constexpr size_t kStreamWords = 4;

// Seeds streams first .. first + count - 1 into state[0 .. 4 * count).
void seedActionStreams(uint64_t seed, uint64_t first, size_t count, uint32_t* state);

// The next 32-bit value of the stream at state[0 .. 4).
uint32_t streamNext(uint32_t* state);

struct ActionDraw {
  bool oracle = false;          // the env's oracle action, else a random one
  double epsilon = 1;           // oracle only: a random action with this probability
  bool overAdmissible = false;  // random = uniform over the admissible actions (text envs)
};

// For every env with active[i] != 0: the policy's action into actions[i], drawing from stream
// i (state[4i .. 4i + 4)); every other env gets kHoldAction and draws nothing. Per env, in
// this order: with the oracle and epsilon > 0, u = next / 2^32 and a random action when
// u < epsilon; a random action is floor(next / 2^32 * k) as an index into the admissible
// actions (k of them; overAdmissible and k > 0) or among all numActions. Throws TypeError
// (as BatchBase::oracleActions) when the oracle is asked of an env type without one.
void drawActions(BatchBase& batch, uint32_t* state, const uint8_t* active, const ActionDraw& draw, int32_t* actions);

}  // namespace gigpo
