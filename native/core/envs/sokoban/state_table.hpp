// A set of fixed-length uint16 keys (a player cell and box cells) with dense ids, for the
// searches over Sokoban states (reverse play, the solver). Keys live in one flat array;
// an open-addressing index maps them to ids. Clearing keeps the capacity, so a table
// reused across searches stops allocating once it has grown.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gigpo::sokoban {

class StateTable {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  void reset(uint32_t keyLength) {
    if (index_.empty()) {
      index_.assign(1024, kNone);
    } else if (size_t(count_) * 8 < index_.size()) {
      // A small previous search in a big index: clear only the slots it used.
      const size_t mask = index_.size() - 1;
      for (uint32_t id = 0; id < count_; ++id) {
        size_t slot = hashKey(key(id)) & mask;
        while (index_[slot] != id) slot = (slot + 1) & mask;
        index_[slot] = kNone;
      }
    } else {
      std::fill(index_.begin(), index_.end(), kNone);
    }
    keyLength_ = keyLength;
    keys_.clear();
    count_ = 0;
  }

  uint32_t size() const { return count_; }
  const uint16_t* key(uint32_t id) const { return keys_.data() + size_t(id) * keyLength_; }

  // The id of `key`, inserting it when new; `inserted` tells which.
  uint32_t insert(const uint16_t* key, bool& inserted) {
    if ((count_ + 1) * 2 > index_.size()) grow();
    const size_t mask = index_.size() - 1;
    for (size_t slot = hashKey(key) & mask;; slot = (slot + 1) & mask) {
      const uint32_t id = index_[slot];
      if (id == kNone) {
        index_[slot] = count_;
        keys_.insert(keys_.end(), key, key + keyLength_);
        inserted = true;
        return count_++;
      }
      if (equal(this->key(id), key)) {
        inserted = false;
        return id;
      }
    }
  }

 private:
  // Keys are a few elements long: an inline loop beats a memcmp call.
  bool equal(const uint16_t* a, const uint16_t* b) const {
    for (uint32_t i = 0; i < keyLength_; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

  uint64_t hashKey(const uint16_t* key) const {
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (uint32_t i = 0; i < keyLength_; ++i) {
      h = (h ^ key[i]) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 29;
    }
    return h ^ (h >> 32);
  }

  void grow() {
    std::vector<uint32_t> bigger(index_.size() * 2, kNone);
    const size_t mask = bigger.size() - 1;
    for (uint32_t id = 0; id < count_; ++id) {
      size_t slot = hashKey(key(id)) & mask;
      while (bigger[slot] != kNone) slot = (slot + 1) & mask;
      bigger[slot] = id;
    }
    index_.swap(bigger);
  }

  uint32_t keyLength_ = 1;
  uint32_t count_ = 0;
  std::vector<uint16_t> keys_;
  std::vector<uint32_t> index_;
};

}  // namespace gigpo::sokoban
