#include "bind/args.hpp"

#include <cmath>

namespace gigpo::bind {

Napi::Object requireObject(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsObject() || v.IsArray() || v.IsFunction()) throwType(info.Env(), std::string(name) + ": expected an object");
  return v.As<Napi::Object>();
}

std::string requireString(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = info[index];
  if (!v.IsString()) throwType(info.Env(), std::string(name) + ": expected a string");
  return v.As<Napi::String>().Utf8Value();
}

size_t requireIndex(const Napi::CallbackInfo& info, size_t index, const char* name, size_t min, size_t max) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) throwType(info.Env(), std::string(name) + ": expected an integer");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max) &&
        d == static_cast<double>(static_cast<size_t>(d))))
    throwRange(info.Env(), std::string(name) + ": expected an integer in [" + std::to_string(min) + ", " +
                               std::to_string(max) + "], got " + v.ToString().Utf8Value());
  return static_cast<size_t>(d);
}

std::string requireStringProperty(Napi::Object object, const char* name, const char* where) {
  Napi::Value v = object.Get(name);
  if (!v.IsString()) throwType(object.Env(), std::string(where) + "." + name + ": expected a string");
  return v.As<Napi::String>().Utf8Value();
}

int64_t integerProperty(Napi::Object object, const char* name, const char* where, int64_t fallback, int64_t min,
                        int64_t max) {
  Napi::Value v = object.Get(name);
  const std::string label = std::string(where) + "." + name;
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throwType(object.Env(), label + ": expected an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d)
    throwRange(object.Env(), label + ": expected an integer, got " + v.ToString().Utf8Value());
  if (d < static_cast<double>(min) || d > static_cast<double>(max))
    throwRange(object.Env(), label + ": must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                                 v.ToString().Utf8Value());
  return static_cast<int64_t>(d);
}

uint64_t seedValue(Napi::Value value, const std::string& name) {
  Napi::Env env = value.Env();
  if (value.IsBigInt()) {
    bool lossless = false;
    uint64_t s = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throwRange(env, name + ": a BigInt seed must be in [0, 2^64)");
    return s;
  }
  if (!value.IsNumber()) throwType(env, name + ": expected a non-negative integer or a BigInt");
  double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < 0 || d > 9007199254740991.0)
    throwRange(env, name + ": expected a non-negative safe integer, got " + value.ToString().Utf8Value());
  return static_cast<uint64_t>(d);
}

Options readOptions(Napi::Value value, const char* name) {
  Options options;
  if (value.IsUndefined() || value.IsNull()) return options;
  if (!value.IsObject() || value.IsArray()) throwType(value.Env(), std::string(name) + ": expected an object");
  Napi::Object object = value.As<Napi::Object>();
  Napi::Array keys = object.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    std::string key = keys.Get(i).ToString().Utf8Value();
    Napi::Value v = object.Get(key);
    if (v.IsUndefined()) continue;
    if (v.IsNumber()) {
      options[key] = v.As<Napi::Number>().DoubleValue();
    } else if (v.IsBoolean()) {
      options[key] = v.As<Napi::Boolean>().Value();
    } else if (v.IsString()) {
      options[key] = v.As<Napi::String>().Utf8Value();
    } else {
      throwType(value.Env(), std::string(name) + "." + key + ": expected a number, boolean or string");
    }
  }
  return options;
}

}  // namespace gigpo::bind
