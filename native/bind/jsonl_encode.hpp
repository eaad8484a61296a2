#pragma once
#include <napi.h>

namespace gigpo::bind {

// encodeJsonl(batch, form, groupIds?, trajIds?, rowStart?, rowEnd?) -> { bytes: Uint8Array,
// trajOffsets: Uint32Array }. `batch` is a StepBatch (lib/io/step-batch.ts); form 'trajectory'
// | 'row'; groupIds / trajIds the JSON text of each id as ragged UTF-8 ({ offsets, data }), or
// undefined for numeric ids; rows [rowStart, rowEnd) (whole trajectories; default all).
Napi::Value encodeJsonl(const Napi::CallbackInfo& info);

}  // namespace gigpo::bind
