// The addon instance: one per Node environment (main thread or worker), holding all
// per-environment state, so the addon keeps no static mutable state.
#pragma once
#include <napi.h>

#include "core/shared_cache.hpp"

namespace gigpo::bind {

class GigpoAddon : public Napi::Addon<GigpoAddon> {
 public:
  GigpoAddon(Napi::Env env, Napi::Object exports);

  // Env shared data (levels, catalogs) reused by the batches this thread creates.
  SharedCache sharedCache;

 private:
  Napi::FunctionReference envBatch_;
};

}  // namespace gigpo::bind
