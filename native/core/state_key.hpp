// Building a state key (env.hpp: stateKey): the observation first, so that equal state
// keys imply equal observations, then the state's fields as fixed-width bytes, each
// field written on its own (never a struct with padding).
#pragma once
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace gigpo {

// Appends env.render()'s bytes and a 0 separator.
template <class E>
void appendObservation(const E& env, std::string& out) {
  const size_t at = out.size();
  out.resize(at + env.maxObsBytes());
  out.resize(at + env.render(out.data() + at));
  out.push_back('\0');
}

template <class T>
void appendField(std::string& out, T value) {
  static_assert(std::is_arithmetic_v<T>, "a state key field is a number");
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

// A length-prefixed text field.
inline void appendField(std::string& out, std::string_view text) {
  appendField(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

}  // namespace gigpo
