#include "bind/advantage.hpp"

#include <algorithm>

#include "bind/args.hpp"
#include "core/advantage/compute.hpp"
#include "core/advantage/options.hpp"
#include "core/text/sequence_ratio.hpp"

namespace gigpo::bind {

Napi::Value computeAdvantages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object in = requireObject(info, 0, "columns");
  Napi::Object outs = requireObject(info, 2, "outputs");
  const Options values = readOptions(info[1], "options");
  const advantage::Options options = guarded(env, [&] { return advantage::parseOptions(values); });
  ReadArrays arrays;

  auto group = arrays.get<Napi::Uint32Array>(in, "group", "columns", napi_uint32_array, "Uint32Array", -1);
  const int64_t n = static_cast<int64_t>(group.ElementLength());
  auto traj = arrays.get<Napi::Uint32Array>(in, "traj", "columns", napi_uint32_array, "Uint32Array", n);
  auto step = arrays.get<Napi::Uint32Array>(in, "step", "columns", napi_uint32_array, "Uint32Array", n);
  auto reward = arrays.get<Napi::Float32Array>(in, "reward", "columns", napi_float32_array, "Float32Array", n);
  auto valid = arrays.get<Napi::Uint8Array>(in, "valid", "columns", napi_uint8_array, "Uint8Array", n);
  auto anchor = arrays.get<Napi::BigUint64Array>(in, "anchor", "columns", napi_biguint64_array, "BigUint64Array", n);
  auto obs = arrays.get<Napi::Uint32Array>(in, "obs", "columns", napi_uint32_array, "Uint32Array", n);
  auto obsOffsets = arrays.get<Napi::Uint32Array>(in, "obsOffsets", "columns", napi_uint32_array, "Uint32Array", -1);
  auto obsBytes = arrays.get<Napi::Uint8Array>(in, "obsBytes", "columns", napi_uint8_array, "Uint8Array", -1);
  auto responseOffsets =
      arrays.get<Napi::Uint32Array>(in, "responseOffsets", "columns", napi_uint32_array, "Uint32Array", n + 1, true);
  if (obsOffsets.ElementLength() == 0) throwRange(env, "columns.obsOffsets: expected length numObs + 1 >= 1");

  auto f32 = [&](const char* name) {
    return arrays.get<Napi::Float32Array>(outs, name, "outputs", napi_float32_array, "Float32Array", n);
  };
  auto u32 = [&](const char* name) {
    return arrays.get<Napi::Uint32Array>(outs, name, "outputs", napi_uint32_array, "Uint32Array", n);
  };
  Napi::Float32Array returns = f32("returns"), episode = f32("episodeAdvantage"), stepAdv = f32("stepAdvantage"),
                     adv = f32("advantage");
  Napi::Uint32Array stepGroup = u32("stepGroup");
  arrays.check(env);

  advantage::RowColumns c;
  c.numRows = static_cast<size_t>(n);
  c.group = group.Data();
  c.traj = traj.Data();
  c.step = step.Data();
  c.reward = reward.Data();
  c.valid = valid.Data();
  c.anchor = anchor.Data();
  c.obs = obs.Data();
  c.obsOffsets = obsOffsets.Data();
  c.numObs = obsOffsets.ElementLength() - 1;
  c.obsBytes = obsBytes.Data();
  c.obsByteLength = obsBytes.ElementLength();
  c.responseOffsets = responseOffsets.IsEmpty() ? nullptr : responseOffsets.Data();
  advantage::Outputs o{returns.Data(), episode.Data(), stepAdv.Data(), adv.Data(), stepGroup.Data()};

  const advantage::Report report = guarded(env, [&] { return advantage::computeAdvantages(c, options, o); });
  Napi::Object result = Napi::Object::New(env);
  result.Set("numGroups", report.numGroups);
  result.Set("numTrajectories", report.numTrajectories);
  result.Set("numStepGroups", report.numStepGroups);
  result.Set("singletonStepGroups", report.singletonStepGroups);
  result.Set("zeroVarianceGroups", report.zeroVarianceGroups);
  auto groupIds = Napi::Uint32Array::New(env, report.groupIds.size());
  std::copy(report.groupIds.begin(), report.groupIds.end(), groupIds.Data());
  auto zeroVariance = Napi::Uint8Array::New(env, report.groupZeroVariance.size());
  std::copy(report.groupZeroVariance.begin(), report.groupZeroVariance.end(), zeroVariance.Data());
  result.Set("groupIds", groupIds);
  result.Set("groupZeroVariance", zeroVariance);
  return result;
}

Napi::Value similarityRatio(const Napi::CallbackInfo& info) {
  const std::string a = requireString(info, 0, "a");
  const std::string b = requireString(info, 1, "b");
  return Napi::Number::New(info.Env(), guarded(info.Env(), [&] { return text::sequenceRatioUtf8(a, b); }));
}

}  // namespace gigpo::bind
