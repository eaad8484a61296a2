#include "bind/jsonl_parse.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "bind/args.hpp"
#include "core/io/jsonl_parse.hpp"

namespace gigpo::bind {

namespace {

// A fresh typed array holding a copy of `values`.
template <class TA, class T>
TA copyOf(Napi::Env env, const T* values, size_t n) {
  TA array = TA::New(env, n);
  if (n > 0) std::memcpy(array.Data(), values, n * sizeof(T));
  return array;
}

template <class TA, class T>
TA copyOf(Napi::Env env, const std::vector<T>& values) {
  return copyOf<TA>(env, values.data(), values.size());
}

Napi::Object ragged(Napi::Env env, const std::vector<uint32_t>& offsets, const io::ByteOut& data) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("offsets", copyOf<Napi::Uint32Array>(env, offsets));
  o.Set("data", copyOf<Napi::Uint8Array>(env, reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  return o;
}

template <class TA, class T>
Napi::Object ragged(Napi::Env env, const io::ListColumn<T>& list) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("offsets", copyOf<Napi::Uint32Array>(env, list.offsets));
  o.Set("data", copyOf<TA>(env, list.data));
  return o;
}

}  // namespace

Napi::Value parseJsonlTrajectories(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value b = info[0];
  if (!b.IsTypedArray() || b.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throwType(env, "bytes: expected a Uint8Array");
  auto bytes = b.As<Napi::Uint8Array>();
  const size_t length = bytes.ElementLength();
  const size_t start = requireIndex(info, 1, "start", 0, length);
  const size_t end = requireIndex(info, 2, "end", start, length);
  // Numbers have no getters: nothing ran JavaScript since bytes was read.

  // Kept per thread: its buffers grow to the largest piece seen and are not faulted in again.
  thread_local io::JsonlPiece piece;
  guarded(env, [&] { io::parseJsonlTrajectories(bytes.Data(), start, end, piece); });

  const size_t rows = piece.numRows();
  Napi::Object r = Napi::Object::New(env);
  r.Set("end", Napi::Number::New(env, static_cast<double>(piece.end)));
  r.Set("lines", Napi::Number::New(env, static_cast<double>(piece.lines)));
  r.Set("numTraj", Napi::Number::New(env, static_cast<double>(piece.numTraj())));
  r.Set("numRows", Napi::Number::New(env, static_cast<double>(rows)));
  r.Set("trajLine", copyOf<Napi::Uint32Array>(env, piece.trajLine));
  r.Set("trajStarts", copyOf<Napi::Uint32Array>(env, piece.trajStarts));
  r.Set("groupKind", copyOf<Napi::Uint8Array>(env, piece.groupKind));
  r.Set("groupNum", copyOf<Napi::Float64Array>(env, piece.groupNum));
  r.Set("groupText", ragged(env, piece.groupText.offsets, piece.groupText.data));
  r.Set("trajKind", copyOf<Napi::Uint8Array>(env, piece.trajKind));
  r.Set("trajNum", copyOf<Napi::Float64Array>(env, piece.trajNum));
  r.Set("trajText", ragged(env, piece.trajText.offsets, piece.trajText.data));
  r.Set("action", copyOf<Napi::Int32Array>(env, piece.action));
  if (piece.hasActionText) r.Set("actionText", ragged(env, piece.actionText.offsets, piece.actionText.data));
  r.Set("reward", copyOf<Napi::Float32Array>(env, piece.reward));
  r.Set("valid", copyOf<Napi::Uint8Array>(env, piece.valid));
  r.Set("done", copyOf<Napi::Uint8Array>(env, piece.done));
  r.Set("truncated", copyOf<Napi::Uint8Array>(env, piece.truncated));
  r.Set("anchor", copyOf<Napi::BigUint64Array>(env, piece.anchor));
  r.Set("obs", copyOf<Napi::Uint32Array>(env, piece.obs));
  r.Set("observations", ragged(env, piece.observations.offsets(), piece.observations.data()));
  r.Set("obsHash", copyOf<Napi::BigUint64Array>(env, piece.observations.hashes()));
  if (piece.hasStateAnchor) {
    r.Set("stateAnchor", copyOf<Napi::BigUint64Array>(env, piece.stateAnchor));
    r.Set("stateAnchorPresent", copyOf<Napi::Uint8Array>(env, piece.stateAnchorPresent));
  }
  if (piece.hasPrompt) r.Set("prompt", ragged(env, piece.prompt.offsets, piece.prompt.data));
  if (piece.hasResponse) r.Set("response", ragged(env, piece.response.offsets, piece.response.data));
  if (piece.hasPromptIds) r.Set("promptIds", ragged<Napi::Int32Array>(env, piece.promptIds));
  if (piece.hasResponseIds) r.Set("responseIds", ragged<Napi::Int32Array>(env, piece.responseIds));
  if (piece.hasLogprobs) r.Set("logprobs", ragged<Napi::Float32Array>(env, piece.logprobs));
  if (piece.hasResponseMask) r.Set("responseMask", ragged<Napi::Uint8Array>(env, piece.responseMask));
  if (piece.hasPolicyVersion) {
    r.Set("policyVersion", copyOf<Napi::Uint32Array>(env, piece.policyVersion));
    r.Set("policyVersionPresent", copyOf<Napi::Uint8Array>(env, piece.policyVersionPresent));
  }
  // A one-off giant piece: let its buffers go.
  if (piece.observations.data().capacity() > (size_t{64} << 20) || rows > (size_t{1} << 22)) piece = io::JsonlPiece{};
  return r;
}

}  // namespace gigpo::bind
