#include "core/advantage/similarity_groups.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/text/sequence_ratio.hpp"
#include "core/text/utf8.hpp"

namespace gigpo::advantage {

namespace {

void checkObservations(const RowColumns& c) {
  if (c.obsOffsets == nullptr || c.obsBytes == nullptr)
    throw TypeError("observations: similarity anchors need the observation table");
  if (c.obsOffsets[0] != 0) throw RangeError("observations.offsets[0]: must be 0");
  for (size_t i = 1; i <= c.numObs; ++i)
    if (c.obsOffsets[i] < c.obsOffsets[i - 1] || c.obsOffsets[i] > c.obsByteLength)
      throw RangeError("observations.offsets[" + std::to_string(i) +
                       "]: offsets must be non-decreasing and within the data");
  for (size_t r = 0; r < c.numRows; ++r)
    if (c.obs[r] >= c.numObs)
      throw RangeError("obs[" + std::to_string(r) + "]: index " + std::to_string(c.obs[r]) +
                       " outside the observation table (" + std::to_string(c.numObs) + " entries)");
}

struct Cluster {
  uint32_t id = 0;
  text::RatioTarget first;  // the cluster's first member, prepared as difflib's b
};

}  // namespace

uint32_t similarStepGroups(const RowColumns& c, const Layout& layout, double threshold, uint32_t* stepGroup) {
  checkObservations(c);
  std::vector<uint32_t> placedStamp(c.numObs, 0);  // == group + 1 when placed in this group
  std::vector<uint32_t> placedId(c.numObs, 0);
  std::vector<Cluster> clusters;  // reused across groups
  std::vector<char32_t> text;
  text::RatioMatcher matcher;
  uint32_t next = 0;
  for (uint32_t g = 0; g < layout.numGroups; ++g) {
    const uint32_t stamp = g + 1;
    size_t numClusters = 0;
    for (uint32_t k = layout.groupStart[g]; k < layout.groupStart[g + 1]; ++k) {
      const uint32_t row = layout.groupRows[k];
      const uint32_t o = c.obs[row];
      if (placedStamp[o] != stamp) {
        const auto* bytes = reinterpret_cast<const char*>(c.obsBytes) + c.obsOffsets[o];
        text::decodeUtf8(std::string_view(bytes, c.obsOffsets[o + 1] - c.obsOffsets[o]), text);
        size_t found = 0;
        while (found < numClusters && !matcher.atLeast(text, clusters[found].first, threshold)) ++found;
        if (found == numClusters) {
          if (clusters.size() <= numClusters) clusters.emplace_back();
          clusters[found].id = next++;
          clusters[found].first.assign(text);
          ++numClusters;
        }
        placedStamp[o] = stamp;
        placedId[o] = clusters[found].id;
      }
      stepGroup[row] = placedId[o];
    }
  }
  return next;
}

}  // namespace gigpo::advantage
