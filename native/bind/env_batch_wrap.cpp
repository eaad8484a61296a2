#include "bind/env_batch_wrap.hpp"

#include <algorithm>

#include "bind/addon.hpp"
#include "bind/args.hpp"
#include "core/action_draw.hpp"

#include <cstdint>

namespace gigpo::bind {

Napi::Function EnvBatchWrap::define(Napi::Env env) {
  return DefineClass(env, "EnvBatch",
                     {
                         InstanceMethod<&EnvBatchWrap::shape>("shape"),
                         InstanceMethod<&EnvBatchWrap::reset>("reset"),
                         InstanceMethod<&EnvBatchWrap::step>("step"),
                         InstanceMethod<&EnvBatchWrap::stepText>("stepText"),
                         InstanceMethod<&EnvBatchWrap::stepAt>("stepAt"),
                         InstanceMethod<&EnvBatchWrap::stepTextAt>("stepTextAt"),
                         InstanceMethod<&EnvBatchWrap::resetAt>("resetAt"),
                         InstanceMethod<&EnvBatchWrap::parse>("parse"),
                         InstanceMethod<&EnvBatchWrap::key>("key"),
                         InstanceMethod<&EnvBatchWrap::actionName>("actionName"),
                         InstanceMethod<&EnvBatchWrap::admissibleActions>("admissibleActions"),
                         InstanceMethod<&EnvBatchWrap::oracleActions>("oracleActions"),
                         InstanceMethod<&EnvBatchWrap::drawActions>("drawActions"),
                         InstanceMethod<&EnvBatchWrap::parseAt>("parseAt"),
                         InstanceMethod<&EnvBatchWrap::parseOne>("parseOne"),
                         InstanceMethod<&EnvBatchWrap::stepOne>("stepOne"),
                         InstanceMethod<&EnvBatchWrap::admissibleInto>("admissibleInto"),
                         InstanceMethod<&EnvBatchWrap::close>("close"),
                     });
}

// new EnvBatch(env: string, config: {numEnvs, groupSize, seed}, options?: object)
EnvBatchWrap::EnvBatchWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EnvBatchWrap>(info) {
  Napi::Env env = info.Env();
  std::string name = requireString(info, 0, "env");
  Napi::Object cfg = requireObject(info, 1, "config");
  BatchConfig config;
  if (cfg.Get("numEnvs").IsUndefined()) throwType(env, "config.numEnvs: missing (the number of envs, an integer >= 1)");
  config.numEnvs = static_cast<uint32_t>(integerProperty(cfg, "numEnvs", "config", 1, 1, 1 << 24));
  config.groupSize = static_cast<uint32_t>(integerProperty(cfg, "groupSize", "config", 1, 1, 1 << 24));
  config.firstGroup = static_cast<uint32_t>(integerProperty(cfg, "firstGroup", "config", 0, 0, UINT32_MAX));
  Napi::Value seed = cfg.Get("seed");
  config.seed = seed.IsUndefined() ? 0 : seedValue(seed, "config.seed");
  Options options = readOptions(info[2], "options");
  SharedCache* cache = &env.GetInstanceData<GigpoAddon>()->sharedCache;
  batch_ = guarded(env, [&] { return makeBatch(name, config, options, cache); });

  // All outputs live in ONE ArrayBuffer (8-byte aligned sections), so checking that none
  // was transferred away costs a single detach check per call.
  const BatchShape& s = batch_->shape();
  const size_t n = s.numEnvs;
  size_t size = 0;
  auto section = [&size](size_t bytes) {
    size_t at = size;
    size += (bytes + 7) & ~size_t{7};
    return at;
  };
  const size_t anchorAt = section(8 * n);
  const size_t stateAnchorAt = section(8 * n);
  const size_t rewardAt = section(4 * n);
  const size_t episodeStepAt = section(4 * n);
  const size_t obsLengthsAt = section(4 * n);
  const size_t doneAt = section(n);
  const size_t truncatedAt = section(n);
  const size_t validAt = section(n);
  const size_t resetAt = section(n);
  const size_t obsBytesAt = section(s.obsCapacity);
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, size);
  auto anchor = Napi::BigUint64Array::New(env, n, buffer, anchorAt);
  auto stateAnchor = Napi::BigUint64Array::New(env, n, buffer, stateAnchorAt);
  auto reward = Napi::Float32Array::New(env, n, buffer, rewardAt);
  auto episodeStep = Napi::Uint32Array::New(env, n, buffer, episodeStepAt);
  auto obsLengths = Napi::Uint32Array::New(env, n, buffer, obsLengthsAt);
  auto done = Napi::Uint8Array::New(env, n, buffer, doneAt);
  auto truncated = Napi::Uint8Array::New(env, n, buffer, truncatedAt);
  auto valid = Napi::Uint8Array::New(env, n, buffer, validAt);
  auto reset = Napi::Uint8Array::New(env, n, buffer, resetAt);
  auto obsBytes = Napi::Uint8Array::New(env, s.obsCapacity, buffer, obsBytesAt);

  Napi::Object out = Napi::Object::New(env);
  out.Set("reward", reward);
  out.Set("done", done);
  out.Set("truncated", truncated);
  out.Set("valid", valid);
  out.Set("reset", reset);
  out.Set("episodeStep", episodeStep);
  out.Set("anchor", anchor);
  out.Set("stateAnchor", stateAnchor);
  out.Set("obsLengths", obsLengths);
  out.Set("obsBytes", obsBytes);
  // The wrapper object itself holds the outputs (a read-only own property), and this
  // C++ object only a weak reference: no strong handle roots them, so a dropped batch is
  // collected, envs and outputs together, by the garbage collector alone.
  info.This().As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Value("outputs", out, napi_enumerable));
  buffer_ = Napi::Weak(buffer);

  BatchOutputs o;
  o.reward = reward.Data();
  o.done = done.Data();
  o.truncated = truncated.Data();
  o.valid = valid.Data();
  o.reset = reset.Data();
  o.episodeStep = episodeStep.Data();
  o.anchor = anchor.Data();
  o.obsLengths = obsLengths.Data();
  o.obsBytes = obsBytes.Data();
  o.stateAnchor = stateAnchor.Data();
  batch_->bind(o);
  guarded(env, [&] { batch_->reset(config.seed); });
  // The envs live on the native heap: tell V8, so that it collects dropped batches soon.
  externalBytes_ = static_cast<int64_t>(batch_->shape().memoryBytes);
  Napi::MemoryManagement::AdjustExternalMemory(env, externalBytes_);
}

BatchBase& EnvBatchWrap::open(Napi::Env env) const {
  if (!batch_) throwType(env, "EnvBatch: used after close(); create a new batch");
  return *batch_;
}

void EnvBatchWrap::requireAttached(Napi::Env env) const {
  open(env);
  // While a method runs, the wrapper (and through its outputs, the buffer) is alive.
  if (buffer_.Value().IsDetached())
    throwType(env, "EnvBatch: its output arrays were transferred or detached; create a new batch");
}

uint32_t EnvBatchWrap::envIndex(const Napi::CallbackInfo& info, size_t index) const {
  Napi::Value v = info[index];
  if (!v.IsNumber()) throwType(info.Env(), "env: expected an integer index");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d < open(info.Env()).shape().numEnvs) || static_cast<double>(static_cast<uint32_t>(d)) != d)
    throwRange(info.Env(), "env: must be an integer in [0, " + std::to_string(open(info.Env()).shape().numEnvs) +
                               "), got " + v.ToString().Utf8Value());
  return static_cast<uint32_t>(d);
}

// Frees the envs and the output arrays now (their views become empty); later calls throw.
// Closing twice is a no-op.
Napi::Value EnvBatchWrap::close(const Napi::CallbackInfo& info) {
  release();
  Napi::ArrayBuffer buffer = buffer_.Value();
  if (!buffer.IsEmpty() && !buffer.IsDetached()) buffer.Detach();
  return info.Env().Undefined();
}

void EnvBatchWrap::release() {
  if (!batch_) return;
  batch_.reset();
  Napi::MemoryManagement::AdjustExternalMemory(Env(), -externalBytes_);
  externalBytes_ = 0;
}

EnvBatchWrap::~EnvBatchWrap() {
  release();
}

void EnvBatchWrap::Finalize(Napi::BasicEnv env) {
  release();
}

Napi::Value EnvBatchWrap::shape(const Napi::CallbackInfo& info) {
  const BatchShape& s = open(info.Env()).shape();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("env", s.env);
  o.Set("numEnvs", s.numEnvs);
  o.Set("groupSize", s.groupSize);
  o.Set("firstGroup", s.firstGroup);
  o.Set("maxSteps", s.maxSteps);
  o.Set("numActions", s.numActions);
  o.Set("maxObsBytes", static_cast<double>(s.maxObsBytes));
  o.Set("hasOracle", s.hasOracle);
  return o;
}

Napi::Value EnvBatchWrap::reset(const Napi::CallbackInfo& info) {
  requireAttached(info.Env());
  uint64_t seed = seedValue(info[0], "seed");
  guarded(info.Env(), [&] { open(info.Env()).reset(seed); });
  return info.Env().Undefined();
}

Napi::Value EnvBatchWrap::step(const Napi::CallbackInfo& info) {
  auto actions = requireTypedArray<Napi::Int32Array>(info, 0, "actions", napi_int32_array, "Int32Array",
                                                     open(info.Env()).shape().numEnvs);
  requireAttached(info.Env());
  guarded(info.Env(), [&] { open(info.Env()).step(actions.Data()); });
  return info.Env().Undefined();
}

void EnvBatchWrap::readTexts(const Napi::CallbackInfo& info, size_t index, const char* name, bool allowHold,
                             int64_t length) {
  Napi::Env env = info.Env();
  if (!info[index].IsArray()) throwType(env, std::string(name) + ": expected an array of strings");
  Napi::Array array = info[index].As<Napi::Array>();
  const uint32_t n = length >= 0 ? static_cast<uint32_t>(length) : open(info.Env()).shape().numEnvs;
  if (array.Length() != n)
    throwRange(
        env, std::string(name) + ": expected length " + std::to_string(n) + ", got " + std::to_string(array.Length()));
  textScratch_.resize(n);
  viewScratch_.resize(n);
  hold_.assign(n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value v = array.Get(i);
    if (v.IsString()) {
      textScratch_[i] = v.As<Napi::String>().Utf8Value();
    } else if (allowHold && (v.IsNull() || v.IsUndefined())) {
      textScratch_[i].clear();
      hold_[i] = 1;
    } else {
      throwType(env, std::string(name) + "[" + std::to_string(i) + "]: expected a string" +
                         (allowHold ? " (or null to hold the env)" : ""));
    }
    viewScratch_[i] = textScratch_[i];
  }
}

// Copies an Int32Array or Uint32Array of env indices into indexScratch_ (negative entries
// become out-of-range values, which the core reports by position).
void EnvBatchWrap::readIndices(const Napi::CallbackInfo& info, size_t index) {
  Napi::Value v = info[index];
  const napi_typedarray_type type = v.IsTypedArray() ? v.As<Napi::TypedArray>().TypedArrayType() : napi_int8_array;
  if (type != napi_int32_array && type != napi_uint32_array)
    throwType(info.Env(), "indices: expected an Int32Array or a Uint32Array");
  Napi::TypedArray array = v.As<Napi::TypedArray>();
  const size_t k = array.ElementLength();
  indexScratch_.resize(k);
  if (type == napi_int32_array) {
    const int32_t* data = v.As<Napi::Int32Array>().Data();
    for (size_t j = 0; j < k; ++j) {
      if (data[j] < 0)
        throwRange(info.Env(), "indices[" + std::to_string(j) + "]: must be in [0, " +
                                   std::to_string(open(info.Env()).shape().numEnvs) + "), got " +
                                   std::to_string(data[j]));
      indexScratch_[j] = static_cast<uint32_t>(data[j]);
    }
  } else {
    const uint32_t* data = v.As<Napi::Uint32Array>().Data();
    indexScratch_.assign(data, data + k);
  }
}

Napi::Value EnvBatchWrap::stepText(const Napi::CallbackInfo& info) {
  readTexts(info, 0, "responses", true);
  requireAttached(info.Env());
  guarded(info.Env(), [&] { open(info.Env()).stepText(viewScratch_.data(), hold_.data()); });
  return info.Env().Undefined();
}

// stepAt(indices: Int32Array | Uint32Array, actions: Int32Array)
Napi::Value EnvBatchWrap::stepAt(const Napi::CallbackInfo& info) {
  readIndices(info, 0);
  auto actions =
      requireTypedArray<Napi::Int32Array>(info, 1, "actions", napi_int32_array, "Int32Array", indexScratch_.size());
  requireAttached(info.Env());
  guarded(info.Env(), [&] { open(info.Env()).stepAt(indexScratch_.data(), indexScratch_.size(), actions.Data()); });
  return info.Env().Undefined();
}

// (indices, responses) arguments: the responses are read first (their getters run JS),
// then the indices are copied, so a getter that detaches or shrinks the indices is caught.
void EnvBatchWrap::readIndexedTexts(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throwType(info.Env(), "indices: expected an Int32Array or a Uint32Array");
  readTexts(info, 1, "responses", false, info[0].As<Napi::TypedArray>().ElementLength());
  readIndices(info, 0);
  if (indexScratch_.size() != viewScratch_.size())
    throwRange(info.Env(), "indices: expected length " + std::to_string(viewScratch_.size()) + " (responses), got " +
                               std::to_string(indexScratch_.size()));
}

// stepTextAt(indices: Int32Array | Uint32Array, responses: string[])
Napi::Value EnvBatchWrap::stepTextAt(const Napi::CallbackInfo& info) {
  readIndexedTexts(info);
  requireAttached(info.Env());
  guarded(info.Env(),
          [&] { open(info.Env()).stepTextAt(indexScratch_.data(), indexScratch_.size(), viewScratch_.data()); });
  return info.Env().Undefined();
}

// resetAt(indices: Int32Array | Uint32Array, groups: Uint32Array, members: Uint32Array)
Napi::Value EnvBatchWrap::resetAt(const Napi::CallbackInfo& info) {
  readIndices(info, 0);
  const size_t k = indexScratch_.size();
  auto groups = requireTypedArray<Napi::Uint32Array>(info, 1, "groups", napi_uint32_array, "Uint32Array", k);
  auto members = requireTypedArray<Napi::Uint32Array>(info, 2, "members", napi_uint32_array, "Uint32Array", k);
  requireAttached(info.Env());
  guarded(info.Env(), [&] { open(info.Env()).resetAt(indexScratch_.data(), k, groups.Data(), members.Data()); });
  return info.Env().Undefined();
}

Napi::Value EnvBatchWrap::parse(const Napi::CallbackInfo& info) {
  readTexts(info, 0, "responses", false);
  auto actions = Napi::Int32Array::New(info.Env(), open(info.Env()).shape().numEnvs);
  guarded(info.Env(), [&] { open(info.Env()).parse(viewScratch_.data(), actions.Data()); });
  return actions;
}

// parseAt(indices, responses) -> Int32Array: action ids of responses[j] for env indices[j].
Napi::Value EnvBatchWrap::parseAt(const Napi::CallbackInfo& info) {
  readIndexedTexts(info);
  auto actions = Napi::Int32Array::New(info.Env(), indexScratch_.size());
  guarded(info.Env(), [&] {
    open(info.Env()).parseAt(indexScratch_.data(), indexScratch_.size(), viewScratch_.data(), actions.Data());
  });
  return actions;
}

// parseOne(i, response) -> number: parseAt([i], [response])[0] without the arrays.
Napi::Value EnvBatchWrap::parseOne(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t i = envIndex(info, 0);
  if (!info[1].IsString()) throwType(env, "response: expected a string");
  size_t length = 0;
  napi_status status = napi_get_value_string_utf8(env, info[1], nullptr, 0, &length);
  if (status != napi_ok) throwType(env, "response: expected a string");
  oneText_.resize(length);
  napi_get_value_string_utf8(env, info[1], oneText_.data(), length + 1, &length);
  const std::string_view view(oneText_.data(), length);
  int32_t action = 0;
  guarded(env, [&] { open(env).parseAt(&i, 1, &view, &action); });
  return Napi::Number::New(env, action);
}

// stepOne(i, action): stepAt([i], [action]) without the arrays.
Napi::Value EnvBatchWrap::stepOne(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t i = envIndex(info, 0);
  if (!info[1].IsNumber()) throwType(env, "action: expected an integer");
  const double d = info[1].As<Napi::Number>().DoubleValue();
  if (static_cast<double>(static_cast<int32_t>(d)) != d) throwRange(env, "action: expected an integer");
  const int32_t action = static_cast<int32_t>(d);
  requireAttached(env);
  guarded(env, [&] { open(env).stepAt(&i, 1, &action); });
  return env.Undefined();
}

// admissibleInto(i, out: Int32Array of numActions) -> count: admissibleActions(i) written into out[0 .. count).
Napi::Value EnvBatchWrap::admissibleInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t i = envIndex(info, 0);
  auto out = requireTypedArray<Napi::Int32Array>(info, 1, "out", napi_int32_array, "Int32Array",
                                                 static_cast<size_t>(open(env).shape().numActions));
  std::vector<int32_t> a = guarded(env, [&] { return open(env).admissibleActions(i); });
  std::copy(a.begin(), a.end(), out.Data());
  return Napi::Number::New(env, static_cast<double>(a.size()));
}

Napi::Value EnvBatchWrap::key(const Napi::CallbackInfo& info) {
  uint32_t i = envIndex(info, 0);
  std::string k = guarded(info.Env(), [&] { return open(info.Env()).key(i); });
  return Napi::Buffer<char>::Copy(info.Env(), k.data(), k.size());
}

Napi::Value EnvBatchWrap::actionName(const Napi::CallbackInfo& info) {
  uint32_t i = envIndex(info, 0);
  if (!info[1].IsNumber()) throwType(info.Env(), "action: expected an integer");
  double d = info[1].As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d < open(info.Env()).shape().numActions) || static_cast<double>(static_cast<int32_t>(d)) != d)
    throwRange(info.Env(),
               "action: must be an integer in [0, " + std::to_string(open(info.Env()).shape().numActions) + ")");
  return Napi::String::New(
      info.Env(), guarded(info.Env(), [&] { return open(info.Env()).actionName(i, static_cast<int32_t>(d)); }));
}

Napi::Value EnvBatchWrap::admissibleActions(const Napi::CallbackInfo& info) {
  uint32_t i = envIndex(info, 0);
  std::vector<int32_t> a = guarded(info.Env(), [&] { return open(info.Env()).admissibleActions(i); });
  auto out = Napi::Int32Array::New(info.Env(), a.size());
  std::copy(a.begin(), a.end(), out.Data());
  return out;
}

Napi::Value EnvBatchWrap::oracleActions(const Napi::CallbackInfo& info) {
  auto actions = Napi::Int32Array::New(info.Env(), open(info.Env()).shape().numEnvs);
  guarded(info.Env(), [&] { open(info.Env()).oracleActions(actions.Data()); });
  return actions;
}

// drawActions({streams, active, actions, oracle, epsilon, overAdmissible}): the native
// policy's action for every active env into actions (core/action_draw.hpp). Every argument
// is read (and the arrays re-checked) before the batch is asked anything.
Napi::Value EnvBatchWrap::drawActions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = requireObject(info, 0, "draw");
  const int64_t n = open(env).shape().numEnvs;
  ReadArrays arrays;
  auto streams = arrays.get<Napi::Uint32Array>(o, "streams", "draw", napi_uint32_array, "Uint32Array",
                                               static_cast<int64_t>(kStreamWords) * n);
  auto active = arrays.get<Napi::Uint8Array>(o, "active", "draw", napi_uint8_array, "Uint8Array", n);
  auto actions = arrays.get<Napi::Int32Array>(o, "actions", "draw", napi_int32_array, "Int32Array", n);
  ActionDraw draw;
  Napi::Value oracle = o.Get("oracle");
  if (!oracle.IsBoolean()) throwType(env, "draw.oracle: expected true or false");
  draw.oracle = oracle.As<Napi::Boolean>().Value();
  Napi::Value overAdmissible = o.Get("overAdmissible");
  if (!overAdmissible.IsBoolean()) throwType(env, "draw.overAdmissible: expected true or false");
  draw.overAdmissible = overAdmissible.As<Napi::Boolean>().Value();
  Napi::Value epsilon = o.Get("epsilon");
  if (!epsilon.IsNumber()) throwType(env, "draw.epsilon: expected a number in [0, 1]");
  draw.epsilon = epsilon.As<Napi::Number>().DoubleValue();
  if (!(draw.epsilon >= 0 && draw.epsilon <= 1))
    throwRange(env, "draw.epsilon: must be in [0, 1], got " + epsilon.ToString().Utf8Value());
  arrays.check(env);
  BatchBase& batch = open(env);  // a getter may have closed it
  guarded(env, [&] { gigpo::drawActions(batch, streams.Data(), active.Data(), draw, actions.Data()); });
  return env.Undefined();
}

}  // namespace gigpo::bind
