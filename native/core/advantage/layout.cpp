#include "core/advantage/layout.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "core/advantage/id_map.hpp"
#include "core/errors.hpp"

namespace gigpo::advantage {

namespace {

std::string at(const char* column, size_t row) {
  return std::string(column) + "[" + std::to_string(row) + "]";
}

// Rewards finite and valid in {0, 1}: one branch-free (vectorisable) scan, then a second
// scan to name the first bad row only when there is one.
void checkRowValues(const RowColumns& c) {
  uint32_t bad = 0;
  for (size_t r = 0; r < c.numRows; ++r) {
    uint32_t bits;
    std::memcpy(&bits, &c.reward[r], sizeof bits);
    bad |= static_cast<uint32_t>((bits & 0x7F800000u) == 0x7F800000u) | static_cast<uint32_t>(c.valid[r] > 1);
  }
  if (!bad) return;
  for (size_t r = 0; r < c.numRows; ++r) {
    const float x = c.reward[r];
    if (!std::isfinite(x))
      throw RangeError(at("reward", r) + ": must be finite, got " +
                       (std::isnan(x) ? "NaN"
                        : x > 0       ? "Infinity"
                                      : "-Infinity"));
    if (c.valid[r] > 1) throw RangeError(at("valid", r) + ": must be 0 or 1, got " + std::to_string(c.valid[r]));
  }
}

// Rows (begin, end) of one trajectory: steps count up by one and the group stays the same.
void checkTrajectoryRows(const RowColumns& c, size_t begin, size_t end) {
  uint32_t bad = 0;
  for (size_t r = begin + 1; r < end; ++r) bad |= (c.step[r] ^ (c.step[r - 1] + 1)) | (c.group[r] ^ c.group[begin]);
  if (!bad) return;
  for (size_t r = begin + 1; r < end; ++r) {
    if (c.group[r] != c.group[r - 1])
      throw RangeError(at("group", r) + ": trajectory " + std::to_string(c.traj[r]) + " spans two task groups");
    if (c.step[r] != c.step[r - 1] + 1)
      throw RangeError(at("step", r) + ": expected step " + std::to_string(c.step[r - 1] + 1) + ", got " +
                       std::to_string(c.step[r]));
  }
}

}  // namespace

Layout buildLayout(const RowColumns& c) {
  const size_t n = c.numRows;
  if (n >= UINT32_MAX) throw RangeError("batch: too many rows (" + std::to_string(n) + ")");
  checkRowValues(c);
  Layout layout;
  IdMap groups(64);
  IdMap trajs(n / 64 + 16);
  uint32_t lastGroup = 0, lastDense = 0;
  for (size_t r = 0; r < n;) {
    const uint32_t id = c.traj[r];
    size_t end = r + 1;
    while (end < n && c.traj[end] == id) ++end;
    bool inserted = false;
    trajs.intern(id, inserted);
    if (!inserted)
      throw RangeError(at("traj", r) + ": trajectory " + std::to_string(id) +
                       " is not contiguous (its rows must be adjacent)");
    if (c.step[r] != 0)
      throw RangeError(at("step", r) + ": trajectory " + std::to_string(id) + " must start at step 0, got " +
                       std::to_string(c.step[r]));
    checkTrajectoryRows(c, r, end);
    if (layout.trajGroup.empty() || c.group[r] != lastGroup) {
      lastDense = groups.intern(c.group[r], inserted);
      if (inserted)
        layout.groupIds.push_back(c.group[r]);
      else
        layout.groupsContiguous = false;
      lastGroup = c.group[r];
    }
    layout.trajStart.push_back(static_cast<uint32_t>(r));
    layout.trajGroup.push_back(lastDense);
    r = end;
  }
  layout.trajStart.push_back(static_cast<uint32_t>(n));
  layout.numGroups = groups.size();

  // Trajectories by group (a stable counting sort; already in order when groups are contiguous).
  const uint32_t numTraj = layout.numTrajectories();
  layout.groupRowCount.assign(layout.numGroups, 0);
  layout.groupTrajStart.assign(layout.numGroups + 1, 0);
  for (uint32_t t = 0; t < numTraj; ++t) {
    ++layout.groupTrajStart[layout.trajGroup[t] + 1];
    layout.groupRowCount[layout.trajGroup[t]] += layout.trajLength(t);
  }
  for (uint32_t g = 0; g < layout.numGroups; ++g) layout.groupTrajStart[g + 1] += layout.groupTrajStart[g];
  layout.groupTrajs.resize(numTraj);
  std::vector<uint32_t> fill(layout.groupTrajStart.begin(), layout.groupTrajStart.end() - 1);
  for (uint32_t t = 0; t < numTraj; ++t) layout.groupTrajs[fill[layout.trajGroup[t]]++] = t;
  return layout;
}

}  // namespace gigpo::advantage
