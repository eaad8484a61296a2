// Writing text into a caller's fixed-size buffer (an observation slot of maxObsBytes).
// Appends past the capacity are dropped, and finish() then ends the text with a marker,
// so a renderer can never overflow its bound and a cut observation says it was cut.
#pragma once
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace gigpo::text {

inline constexpr std::string_view kTruncatedMarker = "\n[observation truncated]";

class TextSink {
 public:
  // `capacity` must exceed kTruncatedMarker.size().
  TextSink(char* out, size_t capacity) : out_(out), capacity_(capacity) {}

  TextSink& operator<<(std::string_view s) {
    if (truncated_) return *this;
    if (s.size() > capacity_ - length_) {
      truncated_ = true;
      return *this;
    }
    std::memcpy(out_ + length_, s.data(), s.size());
    length_ += s.size();
    return *this;
  }

  TextSink& operator<<(char c) { return *this << std::string_view(&c, 1); }

  TextSink& operator<<(uint32_t n) {
    char digits[16];
    auto r = std::to_chars(digits, digits + sizeof digits, n);
    return *this << std::string_view(digits, static_cast<size_t>(r.ptr - digits));
  }

  bool truncated() const { return truncated_; }

  // The final length. A truncated text keeps its head and ends with kTruncatedMarker.
  size_t finish() {
    if (!truncated_) return length_;
    size_t at = capacity_ - kTruncatedMarker.size();
    if (length_ < at) at = length_;
    std::memcpy(out_ + at, kTruncatedMarker.data(), kTruncatedMarker.size());
    length_ = at + kTruncatedMarker.size();
    return length_;
  }

 private:
  char* out_;
  size_t capacity_;
  size_t length_ = 0;
  bool truncated_ = false;
};

}  // namespace gigpo::text
