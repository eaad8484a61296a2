// Interned byte strings: each distinct text once, in order of first appearance, with its
// hash64 (core/hash.hpp), found again through an open-addressing table (hash, then memcmp).
// A candidate is written at the end of data() (through bytes()), then commit() keeps it as a
// new entry or drops it for the equal entry already there.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/io/json_text.hpp"

namespace gigpo::io {

class TextIntern {
 public:
  static constexpr uint32_t kTooLarge = ~uint32_t{0};

  // Forgets every entry; capacity is kept.
  void clear();
  // Where the candidate's bytes are appended: data()[offsets().back(), data().size()).
  ByteOut& bytes() { return data_; }
  // The candidate's index (new or existing); kTooLarge (candidate dropped) when the data would
  // reach 2^32 - 1 bytes.
  uint32_t commit();
  // Drops entries [count, size()): the latest ones, as a rejected line added them.
  void truncate(size_t count);

  size_t size() const { return hashes_.size(); }
  const std::vector<uint32_t>& offsets() const { return offsets_; }
  const ByteOut& data() const { return data_; }
  const std::vector<uint64_t>& hashes() const { return hashes_; }

 private:
  struct Slot {
    uint32_t index;
    uint32_t generation;  // the slot is empty unless this is generation_
  };
  void grow();
  size_t find(uint64_t hash, const char* text, size_t length) const;

  std::vector<uint32_t> offsets_{0};
  ByteOut data_;
  std::vector<uint64_t> hashes_;
  std::vector<Slot> slots_;
  uint32_t generation_ = 1;
};

}  // namespace gigpo::io
