#pragma once
#include <napi.h>

namespace gigpo::bind {

// listEnvs() -> [{ name, description, options: [{ name, kind, default, description }] }]
Napi::Value listEnvs(const Napi::CallbackInfo& info);

}  // namespace gigpo::bind
