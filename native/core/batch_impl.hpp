// The templated batch behind BatchBase. Included only by registry.cpp (one instantiation
// per environment type) and by the C++ bench.
#pragma once
#include <cstring>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/errors.hpp"
#include "core/hash.hpp"
#include "core/rng.hpp"

namespace gigpo {

template <Environment E>
class Batch final : public BatchBase {
 public:
  Batch(const BatchConfig& config, const Options& options, SharedCache* cache = nullptr)
      : config_(config), envConfig_(E::configure(options)), shared_(sharedData(options, cache)) {
    if (config.numEnvs == 0) throw RangeError("numEnvs: must be at least 1");
    if (config.groupSize == 0) throw RangeError("groupSize: must be at least 1");
    if (config.numEnvs % config.groupSize != 0)
      throw RangeError("groupSize: must divide numEnvs (" + std::to_string(config.numEnvs) + " % " +
                       std::to_string(config.groupSize) + " != 0)");
    const uint64_t lastGroup = uint64_t{config.firstGroup} + config.numEnvs / config.groupSize - 1;
    if (lastGroup > UINT32_MAX)
      throw RangeError("firstGroup: groups " + std::to_string(config.firstGroup) + ".." + std::to_string(lastGroup) +
                       " do not fit group ids of 32 bits (firstGroup + numEnvs / groupSize must be <= 2^32)");
    // One env first: its bounds size the rest, which are checked before anything large is allocated.
    E probe(envConfig_, *shared_);
    shape_.env = E::info().name;
    shape_.numEnvs = config.numEnvs;
    shape_.groupSize = config.groupSize;
    shape_.firstGroup = config.firstGroup;
    shape_.maxSteps = envConfig_.maxSteps;
    shape_.numActions = probe.numActions();
    shape_.maxObsBytes = probe.maxObsBytes();
    shape_.obsCapacity = static_cast<size_t>(config.numEnvs) * shape_.maxObsBytes;
    shape_.hasOracle = HasOracle<E>;
    if (shape_.obsCapacity >= (size_t{1} << 32))
      throw RangeError("numEnvs: " + std::to_string(config.numEnvs) + " envs of up to " +
                       std::to_string(shape_.maxObsBytes) + " observation bytes exceed 4 GiB");
    const uint64_t need = estimatedBytes(config.numEnvs, shape_.maxObsBytes);
    shape_.memoryBytes = need;
    if (need > kMaxBatchBytes)
      throw RangeError("numEnvs: " + std::to_string(config.numEnvs) + " " + shape_.env + " envs need about " +
                       std::to_string(need >> 20) + " MiB, over the batch limit of " +
                       std::to_string(kMaxBatchBytes >> 20) + " MiB (at most " +
                       std::to_string(kMaxBatchBytes / estimatedBytes(1, shape_.maxObsBytes)) +
                       " envs of this kind per batch; shard larger rollouts)");
    envs_.reserve(config.numEnvs);
    for (uint32_t i = 0; i < config.numEnvs; ++i) envs_.emplace_back(envConfig_, *shared_);
    episode_.assign(config.numEnvs, 0);
    group_.resize(config.numEnvs);
    member_.resize(config.numEnvs);
    assignOwnGroups();
    elapsed_.assign(config.numEnvs, 0);
    ended_.assign(config.numEnvs, 0);
    if constexpr (!keyIsObservation<E>()) keyScratch_.resize(shape_.maxObsBytes);
  }

  void reset(uint64_t seed) override {
    requireBound();
    config_.seed = seed;
    assignOwnGroups();
    for (uint32_t i = 0; i < config_.numEnvs; ++i) {
      episode_[i] = 0;
      resetEnv(i);
    }
    publish();
  }

  void step(const int32_t* actions) override {
    requireBound();
    for (uint32_t i = 0; i < config_.numEnvs; ++i) checkAction("actions", i, actions[i]);
    for (uint32_t i = 0; i < config_.numEnvs; ++i) stepOne(i, actions[i]);
    publish();
  }

  void stepText(const std::string_view* responses, const uint8_t* hold) override {
    requireBound();
    for (uint32_t i = 0; i < config_.numEnvs; ++i) {
      if (hold && hold[i]) {
        stepOne(i, kHoldAction);
      } else {
        stepOne(i, parseUnlessEnded(i, responses[i]));
      }
    }
    publish();
  }

  void stepAt(const uint32_t* indices, size_t count, const int32_t* actions) override {
    requireBound();
    checkIndices(indices, count);
    for (size_t j = 0; j < count; ++j) checkAction("actions", j, actions[j]);
    for (size_t j = 0; j < count; ++j) {
      stepOne(indices[j], actions[j]);
      publishOne(indices[j]);
    }
  }

  void stepTextAt(const uint32_t* indices, size_t count, const std::string_view* responses) override {
    requireBound();
    checkIndices(indices, count);
    for (size_t j = 0; j < count; ++j) {
      const uint32_t i = indices[j];
      stepOne(i, parseUnlessEnded(i, responses[j]));
      publishOne(i);
    }
  }

  void resetAt(const uint32_t* indices, size_t count, const uint32_t* groups, const uint32_t* members) override {
    requireBound();
    checkIndices(indices, count);
    for (size_t j = 0; j < count; ++j) {
      const uint32_t i = indices[j];
      group_[i] = groups[j];
      member_[i] = members[j];
      episode_[i] = 0;
      resetEnv(i);
      publishOne(i);
    }
  }

  void parse(const std::string_view* responses, int32_t* actions) override {
    for (uint32_t i = 0; i < config_.numEnvs; ++i) actions[i] = envs_[i].parse(responses[i]);
  }

  void parseAt(const uint32_t* indices, size_t count, const std::string_view* responses, int32_t* actions) override {
    checkIndices(indices, count);
    for (size_t j = 0; j < count; ++j) actions[j] = envs_[indices[j]].parse(responses[j]);
  }

  std::string key(uint32_t i) const override {
    std::string out(shape_.maxObsBytes, '\0');
    size_t len = 0;
    if constexpr (keyIsObservation<E>())
      len = envs_[i].render(out.data());
    else
      len = envs_[i].key(out.data());
    out.resize(len);
    return out;
  }

  std::string actionName(uint32_t i, int32_t action) const override {
    if constexpr (HasActionNames<E>) {
      return envs_[i].actionName(action);
    } else {
      return std::to_string(action);
    }
  }

  std::vector<int32_t> admissibleActions(uint32_t i) const override {
    std::vector<int32_t> out;
    for (int32_t a = 0; a < shape_.numActions; ++a) {
      if constexpr (HasAdmissible<E>) {
        if (!envs_[i].admissible(a)) continue;
      }
      out.push_back(a);
    }
    return out;
  }

  void oracleActions(int32_t* actions) override {
    if constexpr (HasOracle<E>) {
      for (uint32_t i = 0; i < config_.numEnvs; ++i) actions[i] = ended_[i] ? 0 : envs_[i].oracleAction();
    } else {
      throw TypeError("env '" + shape_.env + "' has no oracle");
    }
  }

  // Direct access for the C++ bench and tests.
  E& env(uint32_t i) { return envs_[i]; }

 private:
  // Memory of n envs: the env structs, each env's observation slot, its outputs and
  // bookkeeping, and up to two observation-sized texts an env keeps of its own (text envs
  // hold their feedback and command lists) plus small allocations. An estimate, within
  // 1.5x of the measured RSS for every env (docs/NATIVE.md), checked before allocating.
  static uint64_t estimatedBytes(uint64_t n, size_t maxObsBytes) {
    return n * (sizeof(E) + 3 * uint64_t{maxObsBytes} + kPerEnvOverheadBytes);
  }
  static constexpr uint64_t kPerEnvOverheadBytes = 1024;

  std::shared_ptr<const typename E::Shared> sharedData(const Options& options, SharedCache* cache) const {
    using Shared = typename E::Shared;
    if (!cache || !cacheableShared<E>()) return E::makeShared(envConfig_);
    return cache->get<Shared>(SharedCache::keyOf(E::info().name, options),
                              [this] { return E::makeShared(envConfig_); });
  }

  void requireBound() const {
    if (!bound()) throw TypeError("batch outputs are not bound");
  }

  void checkAction(const char* name, size_t position, int32_t a) const {
    if (a >= 0) a &= ~kFlagInvalid;  // parse()'s "run it, but flag the step invalid"
    if (a < kHoldAction || a >= shape_.numActions)
      throw RangeError(std::string(name) + "[" + std::to_string(position) + "]: must be in [-2, " +
                       std::to_string(shape_.numActions) + ") (-1 invalid, -2 hold), got " + std::to_string(a));
  }

  // Every index < numEnvs and none twice; O(count) (marks are cleared again before returning).
  void checkIndices(const uint32_t* indices, size_t count) {
    if (count > config_.numEnvs)
      throw RangeError("indices: " + std::to_string(count) + " indices for " + std::to_string(config_.numEnvs) +
                       " envs (each env at most once)");
    indexMark_.resize(config_.numEnvs, 0);
    size_t j = 0;
    std::string error;
    for (; j < count; ++j) {
      const uint32_t i = indices[j];
      if (i >= config_.numEnvs) {
        error = "indices[" + std::to_string(j) + "]: must be in [0, " + std::to_string(config_.numEnvs) + "), got " +
                std::to_string(i);
        break;
      }
      if (indexMark_[i] != 0) {
        error = "indices[" + std::to_string(j) + "]: env " + std::to_string(i) + " already given at indices[" +
                std::to_string(indexMark_[i] - 1) + "]";
        break;
      }
      indexMark_[i] = static_cast<uint32_t>(j + 1);
    }
    for (size_t m = 0; m < j; ++m) indexMark_[indices[m]] = 0;
    if (!error.empty()) throw RangeError(error);
  }

  // An env about to auto-reset ignores its action; do not let its parser run either.
  int32_t parseUnlessEnded(uint32_t i, std::string_view response) {
    return ended_[i] ? kInvalidAction : envs_[i].parse(response);
  }

  // Env i's place in the seeding schedule: group firstGroup + i / groupSize, member
  // i % groupSize, until resetAt() moves it.
  void assignOwnGroups() {
    for (uint32_t i = 0; i < config_.numEnvs; ++i) {
      group_[i] = config_.firstGroup + i / config_.groupSize;
      member_[i] = i % config_.groupSize;
    }
  }

  void resetEnv(uint32_t i) {
    envs_[i].reset(deriveSeed(config_.seed, group_[i], episode_[i]),
                   deriveSeed(config_.seed, group_[i], episode_[i], member_[i] + 1ull));
    elapsed_[i] = 0;
    ended_[i] = 0;
    out_.reward[i] = 0.0f;
    out_.done[i] = 0;
    out_.truncated[i] = 0;
    out_.valid[i] = 1;
    out_.reset[i] = 1;
  }

  void stepOne(uint32_t i, int32_t action) {
    if (action == kHoldAction) {
      out_.reward[i] = 0.0f;
      out_.valid[i] = 1;
      out_.reset[i] = 0;
      return;  // done/truncated keep their values
    }
    if (ended_[i]) {
      ++episode_[i];
      resetEnv(i);
      return;
    }
    const bool flagged = action >= 0 && (action & kFlagInvalid);
    if (flagged) action &= ~kFlagInvalid;
    StepResult r = envs_[i].step(action);
    ++elapsed_[i];
    const bool truncated = !r.done && elapsed_[i] >= envConfig_.maxSteps;
    ended_[i] = r.done || truncated;
    out_.reward[i] = r.reward;
    out_.done[i] = r.done;
    out_.truncated[i] = truncated;
    out_.valid[i] = r.valid && action != kInvalidAction && !flagged;
    out_.reset[i] = 0;
  }

  // Renders every observation into its slot and hashes every key.
  void publish() {
    for (uint32_t i = 0; i < config_.numEnvs; ++i) publishOne(i);
  }

  void publishOne(uint32_t i) {
    char* dst = reinterpret_cast<char*>(out_.obsBytes + static_cast<size_t>(i) * shape_.maxObsBytes);
    size_t len = envs_[i].render(dst);
    if constexpr (keyIsObservation<E>()) {
      out_.anchor[i] = hash64(dst, len);
    } else {
      size_t klen = envs_[i].key(keyScratch_.data());
      out_.anchor[i] = hash64(keyScratch_.data(), klen);
    }
    if constexpr (HasStateKey<E>) {
      stateScratch_.clear();
      envs_[i].stateKey(stateScratch_);
      out_.stateAnchor[i] = hash64(stateScratch_.data(), stateScratch_.size());
    } else {
      out_.stateAnchor[i] = out_.anchor[i];
    }
    out_.obsLengths[i] = static_cast<uint32_t>(len);
    out_.episodeStep[i] = elapsed_[i];
  }

  BatchConfig config_;
  typename E::Config envConfig_;
  std::shared_ptr<const typename E::Shared> shared_;
  std::vector<E> envs_;
  std::vector<uint32_t> episode_;
  std::vector<uint32_t> group_;   // seeding group of env i
  std::vector<uint32_t> member_;  // member index of env i within its group
  std::vector<uint32_t> elapsed_;
  std::vector<uint8_t> ended_;
  std::vector<char> keyScratch_;
  std::string stateScratch_;         // stateKey() output, reused
  std::vector<uint32_t> indexMark_;  // j + 1 while checkIndices() runs, else 0
};

}  // namespace gigpo
