// Dense numbering of arbitrary integer ids (task groups, trajectories) by first appearance:
// an open-addressing hash map, growing by doubling, so numbering n ids costs O(n).
#pragma once
#include <cstdint>
#include <vector>

namespace gigpo::advantage {

class IdMap {
 public:
  explicit IdMap(size_t expected = 16) { rehash(capacityFor(expected)); }

  // The dense index of `key`, assigning the next one (size() before the call) when new.
  // `inserted` tells which happened.
  uint32_t intern(uint64_t key, bool& inserted) {
    if ((size_ + 1) * 2 > keys_.size()) rehash(keys_.size() * 2);
    size_t slot = find(key);
    inserted = values_[slot] == kEmpty;
    if (inserted) {
      keys_[slot] = key;
      values_[slot] = size_++;
    }
    return values_[slot];
  }

  uint32_t size() const { return size_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  static size_t capacityFor(size_t n) {
    size_t c = 16;
    while (c < n * 2) c *= 2;
    return c;
  }

  size_t find(uint64_t key) const {
    // Fibonacci hashing spreads small consecutive ids over the table.
    size_t slot = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
    const size_t mask = keys_.size() - 1;
    while (values_[slot] != kEmpty && keys_[slot] != key) slot = (slot + 1) & mask;
    return slot;
  }

  void rehash(size_t capacity) {
    std::vector<uint64_t> oldKeys = std::move(keys_);
    std::vector<uint32_t> oldValues = std::move(values_);
    keys_.assign(capacity, 0);
    values_.assign(capacity, kEmpty);
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;
    for (size_t i = 0; i < oldKeys.size(); ++i) {
      if (oldValues[i] == kEmpty) continue;
      size_t slot = find(oldKeys[i]);
      keys_[slot] = oldKeys[i];
      values_[slot] = oldValues[i];
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<uint32_t> values_;
  uint32_t size_ = 0;
  unsigned shift_ = 60;
};

}  // namespace gigpo::advantage
