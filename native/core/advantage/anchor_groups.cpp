#include "core/advantage/anchor_groups.hpp"

#include <algorithm>
#include <vector>

namespace gigpo::advantage {

uint32_t exactStepGroups(const uint64_t* anchor, const Layout& layout, uint32_t* stepGroup) {
  uint32_t largest = 0;
  for (uint32_t g = 0; g < layout.numGroups; ++g)
    largest = std::max(largest, layout.groupStart[g + 1] - layout.groupStart[g]);
  size_t capacity = 2;
  while (capacity < static_cast<size_t>(largest) * 2) capacity *= 2;
  // A slot belongs to the current group only when its stamp says so: no clearing between groups.
  std::vector<uint64_t> keys(capacity);
  std::vector<uint32_t> ids(capacity);
  std::vector<uint32_t> stamps(capacity, 0);

  uint32_t next = 0;
  for (uint32_t g = 0; g < layout.numGroups; ++g) {
    const uint32_t begin = layout.groupStart[g], end = layout.groupStart[g + 1];
    size_t size = 2;
    unsigned bits = 1;
    while (size < static_cast<size_t>(end - begin) * 2) size *= 2, ++bits;
    const size_t mask = size - 1;
    const uint32_t stamp = g + 1;
    for (uint32_t k = begin; k < end; ++k) {
      const uint32_t row = layout.groupRows[k];
      const uint64_t key = anchor[row];
      size_t slot = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
      while (stamps[slot] == stamp && keys[slot] != key) slot = (slot + 1) & mask;
      if (stamps[slot] != stamp) {
        stamps[slot] = stamp;
        keys[slot] = key;
        ids[slot] = next++;
      }
      stepGroup[row] = ids[slot];
    }
  }
  return next;
}

}  // namespace gigpo::advantage
