// JSON text pieces written exactly as JavaScript writes them (JSON.stringify of strings,
// String() of numbers), so that the native JSONL encoder's output is byte-for-byte what the
// same rows give through JSON.stringify.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace gigpo::io {

// A growable byte buffer written through a raw cursor: reserve() once per piece, then put().
// Growth does not zero-fill; clear() keeps the capacity for the next use.
class ByteOut {
 public:
  // Room for `n` more bytes.
  char* reserve(size_t n) {
    if (used_ + n > capacity_) grow(used_ + n);
    return bytes_.get() + used_;
  }
  void advance(size_t n) { used_ += n; }
  void put(std::string_view s) {
    std::memcpy(reserve(s.size()), s.data(), s.size());
    used_ += s.size();
  }
  void put(char c) {
    *reserve(1) = c;
    used_++;
  }
  size_t size() const { return used_; }
  size_t capacity() const { return capacity_; }
  const char* data() const { return bytes_.get(); }
  void clear() { used_ = 0; }
  // Drops the bytes past the first `n` (n <= size()).
  void truncate(size_t n) { used_ = n; }
  // Room for `n` bytes in all, allocated now (one allocation where the final size can be guessed).
  void reserveTotal(size_t n) {
    if (n > capacity_) grow(n);
  }
  // Hands over the buffer (size() bytes are written) and starts empty.
  std::unique_ptr<char[]> release() {
    capacity_ = 0;
    used_ = 0;
    return std::move(bytes_);
  }

 private:
  void grow(size_t need) {
    const size_t capacity = std::max({capacity_ * 2, need, size_t{1} << 16});
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (used_ > 0) std::memcpy(bigger.get(), bytes_.get(), used_);
    bytes_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> bytes_;
  size_t capacity_ = 0;
  size_t used_ = 0;
};

// JSON.stringify of the text the UTF-8 `bytes` decode to (TextDecoder's rules: each maximal
// invalid subsequence becomes U+FFFD), quotes included.
void putJsonString(ByteOut& out, const uint8_t* bytes, size_t length);

// String(x) of the shortest decimal that reads back as the float32 `x` (0.1, not
// 0.10000000149011612); NaN and the infinities as String() writes them.
void putFloat32(ByteOut& out, float x);

void putUint(ByteOut& out, uint64_t n);
void putInt(ByteOut& out, int64_t n);

// 16 lowercase hex digits, zero-padded.
void putHex64(ByteOut& out, uint64_t x);

}  // namespace gigpo::io
