// Output arrays for a core batch in the C++ tests and fuzz targets (what the binding
// allocates in one ArrayBuffer).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch.hpp"

namespace gigpo::testing {

struct OwnedOutputs {
  std::vector<float> reward;
  std::vector<uint8_t> done, truncated, valid, reset, obsBytes;
  std::vector<uint32_t> episodeStep, obsLengths;
  std::vector<uint64_t> anchor, stateAnchor;

  explicit OwnedOutputs(const BatchShape& s)
      : reward(s.numEnvs),
        done(s.numEnvs),
        truncated(s.numEnvs),
        valid(s.numEnvs),
        reset(s.numEnvs),
        obsBytes(s.obsCapacity),
        episodeStep(s.numEnvs),
        obsLengths(s.numEnvs),
        anchor(s.numEnvs),
        stateAnchor(s.numEnvs) {}

  BatchOutputs view() {
    return {reward.data(),      done.data(),   truncated.data(),  valid.data(),    reset.data(),
            episodeStep.data(), anchor.data(), obsLengths.data(), obsBytes.data(), stateAnchor.data()};
  }
};

// A batch bound to outputs it owns.
struct TestBatch {
  std::unique_ptr<BatchBase> batch;
  std::unique_ptr<OwnedOutputs> out;

  TestBatch(const std::string& env, BatchConfig config, const Options& options = {})
      : batch(makeBatch(env, config, options)), out(std::make_unique<OwnedOutputs>(batch->shape())) {
    batch->bind(out->view());
    batch->reset(config.seed);
  }
  BatchBase* operator->() { return batch.get(); }
  std::string_view observation(uint32_t i) const {
    const size_t at = static_cast<size_t>(i) * batch->shape().maxObsBytes;
    return {reinterpret_cast<const char*>(out->obsBytes.data() + at), out->obsLengths[i]};
  }
};

}  // namespace gigpo::testing
