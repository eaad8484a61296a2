#include "bind/action_draw.hpp"

#include <cmath>

#include "bind/args.hpp"
#include "core/action_draw.hpp"

namespace gigpo::bind {

namespace {

// An integer in [0, max] at argument `index`.
uint64_t requireCount(const Napi::CallbackInfo& info, size_t index, const char* name, double max) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) throwType(info.Env(), std::string(name) + ": expected a non-negative integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < 0 || d > max)
    throwRange(info.Env(), std::string(name) + ": expected an integer in [0, " +
                               std::to_string(static_cast<uint64_t>(max)) + "], got " + v.ToString().Utf8Value());
  return static_cast<uint64_t>(d);
}

}  // namespace

Napi::Value seedActionStreams(const Napi::CallbackInfo& info) {
  const uint64_t seed = seedValue(info[0], "seed");
  const uint64_t first = requireCount(info, 1, "first", 9007199254740991.0);
  const uint64_t count = requireCount(info, 2, "count", double(1 << 24));
  auto state = Napi::Uint32Array::New(info.Env(), kStreamWords * count);
  gigpo::seedActionStreams(seed, first, count, state.Data());
  return state;
}

}  // namespace gigpo::bind
