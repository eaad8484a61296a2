#pragma once
#include <napi.h>

namespace gigpo::bind {

// hashStrings(strings: string[]) -> BigUint64Array: the anchor hash of each string's UTF-8 bytes.
Napi::Value hashStrings(const Napi::CallbackInfo& info);
// hashBytes(bytes: Uint8Array, offsets: Uint32Array) -> BigUint64Array, one hash per slice.
Napi::Value hashBytes(const Napi::CallbackInfo& info);

}  // namespace gigpo::bind
