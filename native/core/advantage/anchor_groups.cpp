#include "core/advantage/anchor_groups.hpp"

#include <algorithm>

namespace gigpo::advantage {

uint32_t ExactStepGroups::assign(const uint64_t* anchor, const Layout& layout, uint32_t g, uint32_t* local) {
  const uint32_t rows = layout.groupRowCount[g];
  size_t size = 2;
  unsigned bits = 1;
  while (size < static_cast<size_t>(rows) * 2) size *= 2, ++bits;
  if (slots_.size() < size || stamp_ == UINT32_MAX) {
    slots_.assign(std::max(size, slots_.size()), Slot{0, 0, 0});
    stamp_ = 0;
  }
  const uint32_t stamp = ++stamp_;
  const size_t mask = size - 1;
  uint32_t next = 0, k = 0;
  layout.forEachRow(g, [&](uint32_t row) {
    const uint64_t key = anchor[row];
    // Fibonacci hashing: anchors are hashes already, but user-given ones may be small integers.
    size_t slot = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
    while (slots_[slot].stamp == stamp && slots_[slot].key != key) slot = (slot + 1) & mask;
    Slot& found = slots_[slot];
    if (found.stamp != stamp) found = Slot{key, next++, stamp};
    local[k++] = found.id;
  });
  return next;
}

}  // namespace gigpo::advantage
