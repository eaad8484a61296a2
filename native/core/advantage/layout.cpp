#include "core/advantage/layout.hpp"

#include <cmath>
#include <string>

#include "core/advantage/id_map.hpp"
#include "core/errors.hpp"

namespace gigpo::advantage {

namespace {

std::string at(const char* column, size_t row) { return std::string(column) + "[" + std::to_string(row) + "]"; }

std::string numberText(float x) {
  if (std::isnan(x)) return "NaN";
  return x > 0 ? "Infinity" : "-Infinity";
}

}  // namespace

Layout buildLayout(const RowColumns& c, uint32_t* rowGroup) {
  const size_t n = c.numRows;
  if (n >= UINT32_MAX) throw RangeError("batch: too many rows (" + std::to_string(n) + ")");
  Layout layout;
  IdMap groups(64);
  IdMap trajs(n / 16 + 16);
  uint32_t lastGroup = 0, lastDense = 0;
  std::vector<uint32_t> groupCount;
  for (size_t r = 0; r < n; ++r) {
    if (!std::isfinite(c.reward[r])) throw RangeError(at("reward", r) + ": must be finite, got " + numberText(c.reward[r]));
    if (c.valid[r] > 1) throw RangeError(at("valid", r) + ": must be 0 or 1, got " + std::to_string(c.valid[r]));
    uint32_t dense = lastDense;
    if (r == 0 || c.group[r] != lastGroup) {
      bool inserted = false;
      dense = groups.intern(c.group[r], inserted);
      if (inserted) {
        layout.groupIds.push_back(c.group[r]);
        groupCount.push_back(0);
      } else {
        layout.groupsContiguous = false;
      }
      lastGroup = c.group[r];
      lastDense = dense;
    }
    rowGroup[r] = dense;
    ++groupCount[dense];
    if (r == 0 || c.traj[r] != c.traj[r - 1]) {
      bool inserted = false;
      trajs.intern(c.traj[r], inserted);
      if (!inserted)
        throw RangeError(at("traj", r) + ": trajectory " + std::to_string(c.traj[r]) +
                         " is not contiguous (its rows must be adjacent)");
      if (c.step[r] != 0)
        throw RangeError(at("step", r) + ": trajectory " + std::to_string(c.traj[r]) + " must start at step 0, got " +
                         std::to_string(c.step[r]));
      layout.trajStart.push_back(static_cast<uint32_t>(r));
      layout.trajGroup.push_back(dense);
    } else {
      if (c.group[r] != c.group[r - 1])
        throw RangeError(at("group", r) + ": trajectory " + std::to_string(c.traj[r]) + " spans two task groups");
      if (c.step[r] != c.step[r - 1] + 1)
        throw RangeError(at("step", r) + ": expected step " + std::to_string(c.step[r - 1] + 1) + ", got " +
                         std::to_string(c.step[r]));
    }
  }
  layout.trajStart.push_back(static_cast<uint32_t>(n));
  layout.numGroups = groups.size();

  // Rows by group (a counting sort; the identity when groups are contiguous).
  layout.groupStart.assign(layout.numGroups + 1, 0);
  for (uint32_t g = 0; g < layout.numGroups; ++g) layout.groupStart[g + 1] = layout.groupStart[g] + groupCount[g];
  layout.groupRows.resize(n);
  if (layout.groupsContiguous) {
    for (size_t r = 0; r < n; ++r) layout.groupRows[r] = static_cast<uint32_t>(r);
  } else {
    std::vector<uint32_t> fill(layout.groupStart.begin(), layout.groupStart.end() - 1);
    for (size_t r = 0; r < n; ++r) layout.groupRows[fill[rowGroup[r]]++] = static_cast<uint32_t>(r);
  }
  return layout;
}

}  // namespace gigpo::advantage
