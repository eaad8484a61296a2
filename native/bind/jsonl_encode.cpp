#include "bind/jsonl_encode.hpp"

#include <algorithm>
#include <cstring>

#include "bind/args.hpp"
#include "core/io/jsonl_encode.hpp"

namespace gigpo::bind {

namespace {

// A ragged column read from `value` ({ offsets, data }, or undefined when optional); the
// typed arrays are registered in `arrays`, their pointers taken by finish() after check().
template <class DataArray>
struct RaggedArg {
  Napi::Uint32Array offsets;
  DataArray data;
  bool present = false;

  void read(ReadArrays& arrays, Napi::Value value, const std::string& label, int64_t count,
            napi_typedarray_type type = napi_uint8_array, const char* typeName = "Uint8Array") {
    if (value.IsUndefined()) return;
    if (!value.IsObject()) throwType(value.Env(), label + ": expected { offsets, data }");
    Napi::Object o = value.As<Napi::Object>();
    offsets = arrays.get<Napi::Uint32Array>(o, "offsets", label, napi_uint32_array, "Uint32Array",
                                            count < 0 ? -1 : count + 1);
    if (offsets.ElementLength() == 0) throwRange(value.Env(), label + ".offsets: expected at least one entry");
    data = arrays.get<DataArray>(o, "data", label, type, typeName, -1);
    present = true;
  }

  template <class T>
  void finish(io::RaggedView<T>& view) const {
    if (!present) return;
    view.offsets = offsets.Data();
    view.data = reinterpret_cast<const T*>(data.Data());
    view.count = offsets.ElementLength() - 1;
    view.dataLength = data.ElementLength();
  }
};

}  // namespace

Napi::Value encodeJsonl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object batch = requireObject(info, 0, "batch");
  const std::string formName = requireString(info, 1, "form");
  if (formName != "trajectory" && formName != "row")
    throwRange(env, "form: expected 'trajectory' or 'row', got '" + formName + "'");
  const io::JsonlForm form = formName == "row" ? io::JsonlForm::Row : io::JsonlForm::Trajectory;

  ReadArrays arrays;
  const std::string where = "batch";
  auto group = arrays.get<Napi::Uint32Array>(batch, "group", where, napi_uint32_array, "Uint32Array", -1);
  const int64_t n = static_cast<int64_t>(group.ElementLength());
  auto u32 = [&](Napi::Object o, const char* name, const std::string& at, bool optional = false) {
    return arrays.get<Napi::Uint32Array>(o, name, at, napi_uint32_array, "Uint32Array", n, optional);
  };
  auto u8 = [&](const char* name) {
    return arrays.get<Napi::Uint8Array>(batch, name, where, napi_uint8_array, "Uint8Array", n);
  };
  auto f32 = [&](Napi::Object o, const char* name, const std::string& at, bool optional = false) {
    return arrays.get<Napi::Float32Array>(o, name, at, napi_float32_array, "Float32Array", n, optional);
  };
  auto u64 = [&](const char* name, bool optional = false) {
    return arrays.get<Napi::BigUint64Array>(batch, name, where, napi_biguint64_array, "BigUint64Array", n, optional);
  };
  auto traj = u32(batch, "traj", where), step = u32(batch, "step", where), obs = u32(batch, "obs", where);
  auto action = arrays.get<Napi::Int32Array>(batch, "action", where, napi_int32_array, "Int32Array", n);
  auto reward = f32(batch, "reward", where);
  auto valid = u8("valid"), done = u8("done"), truncated = u8("truncated");
  auto anchor = u64("anchor");
  auto stateAnchor = u64("stateAnchor", true);
  auto sourceRow = u32(batch, "sourceRow", where, true);
  auto importanceWeight = f32(batch, "importanceWeight", where, true);
  auto policyVersion = u32(batch, "policyVersion", where, true);

  RaggedArg<Napi::Uint8Array> observations, groupIds, trajIds, actionText, prompt, response, responseMask;
  RaggedArg<Napi::Int32Array> promptIds, responseIds;
  RaggedArg<Napi::Float32Array> logprobs, tokenAdvantage;
  observations.read(arrays, batch.Get("observations"), "batch.observations", -1);
  if (!observations.present) throwType(env, "batch.observations: expected { offsets, data }");
  actionText.read(arrays, batch.Get("actionText"), "batch.actionText", n);
  prompt.read(arrays, batch.Get("prompt"), "batch.prompt", n);
  response.read(arrays, batch.Get("response"), "batch.response", n);
  responseMask.read(arrays, batch.Get("responseMask"), "batch.responseMask", n);
  promptIds.read(arrays, batch.Get("promptIds"), "batch.promptIds", n, napi_int32_array, "Int32Array");
  responseIds.read(arrays, batch.Get("responseIds"), "batch.responseIds", n, napi_int32_array, "Int32Array");
  logprobs.read(arrays, batch.Get("logprobs"), "batch.logprobs", n, napi_float32_array, "Float32Array");
  tokenAdvantage.read(arrays, batch.Get("tokenAdvantage"), "batch.tokenAdvantage", n, napi_float32_array,
                      "Float32Array");
  groupIds.read(arrays, info[2], "groupIds", -1);
  trajIds.read(arrays, info[3], "trajIds", -1);

  Napi::Float32Array returns, episodeAdvantage, stepAdvantage, advantage;
  Napi::Uint32Array stepGroup;
  Napi::Value scores = batch.Get("scores");
  if (!scores.IsUndefined()) {
    if (!scores.IsObject()) throwType(env, "batch.scores: expected an object of score columns");
    Napi::Object s = scores.As<Napi::Object>();
    const std::string at = "batch.scores";
    returns = f32(s, "returns", at);
    episodeAdvantage = f32(s, "episodeAdvantage", at);
    stepAdvantage = f32(s, "stepAdvantage", at);
    advantage = f32(s, "advantage", at);
    stepGroup = u32(s, "stepGroup", at);
  }
  auto rowArg = [&](size_t index, const char* name, size_t fallback) {
    return info[index].IsUndefined() ? fallback : requireIndex(info, index, name, 0, static_cast<size_t>(n));
  };
  const size_t rowStart = rowArg(4, "rowStart", 0);
  const size_t rowEnd = rowArg(5, "rowEnd", static_cast<size_t>(n));
  arrays.check(env);  // no JavaScript runs from here on

  io::JsonlColumns c;
  c.numRows = static_cast<size_t>(n);
  c.group = group.Data();
  c.traj = traj.Data();
  c.step = step.Data();
  c.action = action.Data();
  c.reward = reward.Data();
  c.valid = valid.Data();
  c.done = done.Data();
  c.truncated = truncated.Data();
  c.anchor = anchor.Data();
  c.obs = obs.Data();
  c.stateAnchor = stateAnchor.IsEmpty() ? nullptr : stateAnchor.Data();
  c.sourceRow = sourceRow.IsEmpty() ? nullptr : sourceRow.Data();
  c.importanceWeight = importanceWeight.IsEmpty() ? nullptr : importanceWeight.Data();
  c.policyVersion = policyVersion.IsEmpty() ? nullptr : policyVersion.Data();
  if (!returns.IsEmpty()) {
    c.returns = returns.Data();
    c.episodeAdvantage = episodeAdvantage.Data();
    c.stepAdvantage = stepAdvantage.Data();
    c.advantage = advantage.Data();
    c.stepGroup = stepGroup.Data();
  }
  observations.finish(c.observations);
  groupIds.finish(c.groupIds);
  trajIds.finish(c.trajIds);
  actionText.finish(c.actionText);
  prompt.finish(c.prompt);
  response.finish(c.response);
  responseMask.finish(c.responseMask);
  promptIds.finish(c.promptIds);
  responseIds.finish(c.responseIds);
  logprobs.finish(c.logprobs);
  tokenAdvantage.finish(c.tokenAdvantage);

  // The text is written once, into memory that becomes the result's ArrayBuffer (no zero-filled
  // copy); the offsets vector is kept per thread.
  thread_local io::EncodedJsonl encoded;
  guarded(env, [&] { io::encodeJsonl(c, form, rowStart, rowEnd, encoded); });
  const size_t size = encoded.bytes.size();
  Napi::Uint8Array bytes;
  if (size == 0) {
    bytes = Napi::Uint8Array::New(env, 0);
  } else {
    char* text = encoded.bytes.release().release();
    auto buffer =
        Napi::ArrayBuffer::New(env, text, size, [](Napi::Env, void* data) { delete[] static_cast<char*>(data); });
    bytes = Napi::Uint8Array::New(env, size, buffer, 0);
  }
  auto trajOffsets = Napi::Uint32Array::New(env, encoded.trajOffsets.size());
  std::copy(encoded.trajOffsets.begin(), encoded.trajOffsets.end(), trajOffsets.Data());
  Napi::Object result = Napi::Object::New(env);
  result.Set("bytes", bytes);
  result.Set("trajOffsets", trajOffsets);
  return result;
}

}  // namespace gigpo::bind
