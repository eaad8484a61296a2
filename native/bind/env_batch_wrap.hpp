// EnvBatch: the JavaScript face of a core BatchBase. It owns the output typed arrays
// (allocated once, bound into the core) and checks every argument before the core runs.
#pragma once
#include <napi.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch.hpp"

namespace gigpo::bind {

class EnvBatchWrap : public Napi::ObjectWrap<EnvBatchWrap> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit EnvBatchWrap(const Napi::CallbackInfo& info);
  ~EnvBatchWrap() override;
  void Finalize(Napi::BasicEnv env) override;

 private:
  Napi::Value shape(const Napi::CallbackInfo& info);
  Napi::Value reset(const Napi::CallbackInfo& info);
  Napi::Value step(const Napi::CallbackInfo& info);
  Napi::Value stepText(const Napi::CallbackInfo& info);
  Napi::Value stepAt(const Napi::CallbackInfo& info);
  Napi::Value stepTextAt(const Napi::CallbackInfo& info);
  Napi::Value resetAt(const Napi::CallbackInfo& info);
  Napi::Value parse(const Napi::CallbackInfo& info);
  Napi::Value key(const Napi::CallbackInfo& info);
  Napi::Value actionName(const Napi::CallbackInfo& info);
  Napi::Value admissibleActions(const Napi::CallbackInfo& info);
  Napi::Value oracleActions(const Napi::CallbackInfo& info);
  Napi::Value drawActions(const Napi::CallbackInfo& info);
  Napi::Value parseAt(const Napi::CallbackInfo& info);
  // One env, O(1) and without allocating: the text loop's per-step calls.
  Napi::Value parseOne(const Napi::CallbackInfo& info);
  Napi::Value stepOne(const Napi::CallbackInfo& info);
  Napi::Value admissibleInto(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);

  // The batch, or a TypeError once closed. Called after reading the arguments, whose
  // getters may have closed it.
  BatchBase& open(Napi::Env env) const;
  // Frees the core batch and tells V8 its memory is gone (close() and the destructor).
  void release();

  void requireAttached(Napi::Env env) const;
  uint32_t envIndex(const Napi::CallbackInfo& info, size_t index) const;
  // Reads an array of `length` (default numEnvs) strings into textScratch_/viewScratch_;
  // entries may be null only when `allowHold` (then hold_[i] = 1).
  void readTexts(const Napi::CallbackInfo& info, size_t index, const char* name, bool allowHold, int64_t length = -1);
  void readIndices(const Napi::CallbackInfo& info, size_t index);
  void readIndexedTexts(const Napi::CallbackInfo& info);

  std::unique_ptr<BatchBase> batch_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;  // weak; backs every output array
  std::vector<std::string> textScratch_;
  std::vector<std::string_view> viewScratch_;
  std::vector<uint8_t> hold_;
  std::vector<uint32_t> indexScratch_;
  std::string oneText_;        // parseOne()'s response, reused
  int64_t externalBytes_ = 0;  // reported to V8 with AdjustExternalMemory
};

}  // namespace gigpo::bind
