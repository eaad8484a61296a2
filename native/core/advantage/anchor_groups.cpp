#include "core/advantage/anchor_groups.hpp"

namespace gigpo::advantage {

uint32_t ExactStepGroups::assign(const uint64_t* anchor, const Layout& layout, uint32_t g, uint32_t* local) {
  const uint32_t rows = layout.groupRowCount[g];
  size_t size = 2;
  unsigned bits = 1;
  while (size < static_cast<size_t>(rows) * 2) size *= 2, ++bits;
  if (stamps_.size() < size || stamp_ == UINT32_MAX) {
    keys_.assign(std::max(size, keys_.size()), 0);
    ids_.assign(keys_.size(), 0);
    stamps_.assign(keys_.size(), 0);
    stamp_ = 0;
  }
  const uint32_t stamp = ++stamp_;
  const size_t mask = size - 1;
  uint32_t next = 0, k = 0;
  layout.forEachRow(g, [&](uint32_t row) {
    const uint64_t key = anchor[row];
    // Fibonacci hashing: anchors are hashes already, but user-given ones may be small integers.
    size_t slot = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
    while (stamps_[slot] == stamp && keys_[slot] != key) slot = (slot + 1) & mask;
    if (stamps_[slot] != stamp) {
      stamps_[slot] = stamp;
      keys_[slot] = key;
      ids_[slot] = next++;
    }
    local[k++] = ids_[slot];
  });
  return next;
}

}  // namespace gigpo::advantage
