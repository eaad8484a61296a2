// The addon's entry point: registers every binding on the instance's exports.
#include "bind/addon.hpp"

#include "bind/action_draw.hpp"
#include "bind/advantage.hpp"
#include "bind/env_batch_wrap.hpp"
#include "bind/envs_list.hpp"
#include "bind/hash_strings.hpp"
#include "bind/jsonl_encode.hpp"
#include "bind/jsonl_parse.hpp"
#include "bind/sokoban.hpp"

namespace gigpo::bind {

GigpoAddon::GigpoAddon(Napi::Env env, Napi::Object exports) {
  envBatch_ = Napi::Persistent(EnvBatchWrap::define(env));
  exports.Set("EnvBatch", envBatch_.Value());
  exports.Set("hashStrings", Napi::Function::New<hashStrings>(env, "hashStrings"));
  exports.Set("hashBytes", Napi::Function::New<hashBytes>(env, "hashBytes"));
  exports.Set("listEnvs", Napi::Function::New<listEnvs>(env, "listEnvs"));
  exports.Set("computeAdvantages", Napi::Function::New<computeAdvantages>(env, "computeAdvantages"));
  exports.Set("similarityRatio", Napi::Function::New<similarityRatio>(env, "similarityRatio"));
  exports.Set("solveSokoban", Napi::Function::New<solveSokoban>(env, "solveSokoban"));
  exports.Set("seedActionStreams", Napi::Function::New<seedActionStreams>(env, "seedActionStreams"));
  exports.Set("encodeJsonl", Napi::Function::New<encodeJsonl>(env, "encodeJsonl"));
  exports.Set("parseJsonlTrajectories", Napi::Function::New<parseJsonlTrajectories>(env, "parseJsonlTrajectories"));
  exports.Set("readBoxobanLevels", Napi::Function::New<readBoxobanLevels>(env, "readBoxobanLevels"));
}

}  // namespace gigpo::bind

using gigpo::bind::GigpoAddon;
NODE_API_ADDON(GigpoAddon)
