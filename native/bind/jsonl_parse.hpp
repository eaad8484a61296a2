#pragma once
#include <napi.h>

namespace gigpo::bind {

// parseJsonlTrajectories(bytes: Uint8Array, start, end) -> NativeJsonlPiece (lib/native.ts):
// the whole trajectory-form JSONL lines of bytes[start, end) read into columns, up to the
// first line the fast path leaves to the TypeScript reader (core/io/jsonl_parse.hpp).
Napi::Value parseJsonlTrajectories(const Napi::CallbackInfo& info);

}  // namespace gigpo::bind
