#include "bind/hash_strings.hpp"

#include <string>

#include "bind/args.hpp"
#include "core/hash.hpp"

namespace gigpo::bind {

Napi::Value hashStrings(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throwType(env, "strings: expected an array of strings");
  Napi::Array array = info[0].As<Napi::Array>();
  const uint32_t n = array.Length();
  auto out = Napi::BigUint64Array::New(env, n);
  std::string scratch;
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value v = array.Get(i);
    if (!v.IsString()) throwType(env, "strings[" + std::to_string(i) + "]: expected a string");
    size_t len = 0;
    napi_get_value_string_utf8(env, v, nullptr, 0, &len);
    scratch.resize(len + 1);
    napi_get_value_string_utf8(env, v, scratch.data(), scratch.size(), &len);
    out[i] = hash64(scratch.data(), len);
  }
  return out;
}

Napi::Value hashBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throwType(env, "bytes: expected a Uint8Array");
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
    throwType(env, "offsets: expected a Uint32Array");
  auto bytes = info[0].As<Napi::Uint8Array>();
  auto offsets = info[1].As<Napi::Uint32Array>();
  if (offsets.ElementLength() == 0) throwRange(env, "offsets: expected length n + 1 >= 1");
  const size_t n = offsets.ElementLength() - 1;
  for (size_t i = 0; i < n; ++i) {
    if (offsets[i] > offsets[i + 1] || offsets[i + 1] > bytes.ElementLength())
      throwRange(env, "offsets[" + std::to_string(i + 1) + "]: offsets must be non-decreasing and within bytes");
  }
  auto out = Napi::BigUint64Array::New(env, n);
  for (size_t i = 0; i < n; ++i) out[i] = hash64(bytes.Data() + offsets[i], offsets[i + 1] - offsets[i]);
  return out;
}

}  // namespace gigpo::bind
