#pragma once
#include <napi.h>

namespace gigpo::bind {

// solveSokoban(level: string, options?: { nodeBudget?: number })
//   -> { solved, plan: Int32Array | null, moves, pushes, nodesExpanded, nodesGenerated, budgetExhausted }
Napi::Value solveSokoban(const Napi::CallbackInfo& info);
// readBoxobanLevels(path: string) -> string[]: each level's canonical Boxoban text.
Napi::Value readBoxobanLevels(const Napi::CallbackInfo& info);

}  // namespace gigpo::bind
