#pragma once
#include <napi.h>

namespace gigpo::bind {

// computeAdvantages(columns, options, outputs) -> report. Columns and outputs are objects of
// typed arrays (see lib/native.ts); outputs are filled in place.
Napi::Value computeAdvantages(const Napi::CallbackInfo& info);
// similarityRatio(a: string, b: string) -> difflib.SequenceMatcher(None, a, b).ratio().
Napi::Value similarityRatio(const Napi::CallbackInfo& info);

}  // namespace gigpo::bind
