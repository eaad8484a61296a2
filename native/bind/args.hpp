// Argument checking for the bindings: every value from JavaScript is checked here, and
// core errors become TypeError / RangeError / Error with the core's message.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/options.hpp"

namespace gigpo::bind {

// Runs `body`, translating core exceptions into JavaScript errors.
template <class F>
auto guarded(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const gigpo::TypeError& e) {
    throw Napi::TypeError::New(env, e.what());
  } catch (const gigpo::RangeError& e) {
    throw Napi::RangeError::New(env, e.what());
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(env, "out of memory");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

[[noreturn]] inline void throwType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}
[[noreturn]] inline void throwRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

Napi::Object requireObject(const Napi::CallbackInfo& info, size_t index, const char* name);
std::string requireString(const Napi::CallbackInfo& info, size_t index, const char* name);
std::string requireStringProperty(Napi::Object object, const char* name, const char* where);
// Argument `index` as an integer in [min, max] (an index or a count): TypeError if not a number,
// RangeError naming the range otherwise.
size_t requireIndex(const Napi::CallbackInfo& info, size_t index, const char* name, size_t min, size_t max);
// A property that must hold an integer in [min, max]; `fallback` when undefined.
int64_t integerProperty(Napi::Object object, const char* name, const char* where, int64_t fallback, int64_t min,
                        int64_t max);
// A uint64 seed given as a non-negative safe integer or a BigInt.
uint64_t seedValue(Napi::Value value, const std::string& name);
// Converts a plain object of number | boolean | string values.
Options readOptions(Napi::Value value, const char* name);

template <class TA>
TA requireTypedArray(const Napi::CallbackInfo& info, size_t index, const char* name, napi_typedarray_type type,
                     const char* typeName, size_t length) {
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throwType(info.Env(), std::string(name) + ": expected a " + typeName);
  TA array = v.As<TA>();
  if (array.ElementLength() != length)
    throwRange(info.Env(), std::string(name) + ": expected length " + std::to_string(length) + ", got " +
                               std::to_string(array.ElementLength()));
  return array;
}

// A typed-array property `where.name` of the given type; length checked unless `length` < 0.
// With `optional`, an undefined property gives an empty (falsy) handle.
template <class TA>
TA typedArrayProperty(Napi::Object object, const char* name, const std::string& where, napi_typedarray_type type,
                      const char* typeName, int64_t length, bool optional = false) {
  Napi::Value v = object.Get(name);
  const std::string label = where + "." + name;
  if (optional && v.IsUndefined()) return TA();
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throwType(object.Env(), label + ": expected a " + typeName);
  TA array = v.As<TA>();
  if (length >= 0 && array.ElementLength() != static_cast<size_t>(length))
    throwRange(object.Env(), label + ": expected length " + std::to_string(length) + ", got " +
                                 std::to_string(array.ElementLength()));
  return array;
}

// Typed arrays read from JavaScript objects, re-checked once every argument has been read:
// a getter that runs later may have detached or shrunk an array read earlier, so pointers
// are taken only after check() (and no JavaScript runs between the two).
class ReadArrays {
 public:
  // typedArrayProperty(), remembered for check().
  template <class TA>
  TA get(Napi::Object object, const char* name, const std::string& where, napi_typedarray_type type,
         const char* typeName, int64_t length, bool optional = false) {
    TA array = typedArrayProperty<TA>(object, name, where, type, typeName, length, optional);
    if (!array.IsEmpty()) entries_.push_back({array, where + "." + name, array.ElementLength(), array.Data()});
    return array;
  }
  void check(Napi::Env env) const {
    for (const Entry& e : entries_) {
      // Napi::TypedArray caches its length: ask the engine again.
      size_t length = 0;
      napi_typedarray_type type;
      void* data = nullptr;
      napi_value buffer;
      size_t offset = 0;
      napi_status status = napi_get_typedarray_info(env, e.array, &type, &length, &data, &buffer, &offset);
      if (status != napi_ok || e.array.ArrayBuffer().IsDetached() || length != e.length || data != e.data)
        throwType(env, e.label + ": was detached or resized while the arguments were read");
    }
  }

 private:
  struct Entry {
    Napi::TypedArray array;
    std::string label;
    size_t length;
    const void* data;
  };
  std::vector<Entry> entries_;
};

}  // namespace gigpo::bind
