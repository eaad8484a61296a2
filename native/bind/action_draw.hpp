#pragma once
#include <napi.h>

namespace gigpo::bind {

// seedActionStreams(seed: number | bigint, first: number, count: number) -> Uint32Array of
// 4 * count words: the native policies' random streams first .. first + count - 1
// (core/action_draw.hpp), for EnvBatch.drawActions.
Napi::Value seedActionStreams(const Napi::CallbackInfo& info);

}  // namespace gigpo::bind
