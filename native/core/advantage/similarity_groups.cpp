#include "core/advantage/similarity_groups.hpp"

#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "core/text/utf8.hpp"

namespace gigpo::advantage {

SimilarStepGroups::SimilarStepGroups(const RowColumns& c, double threshold) : columns_(c), threshold_(threshold) {
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
  placedStamp_.assign(c.numObs, 0);
  placedId_.assign(c.numObs, 0);
}

uint32_t SimilarStepGroups::assign(const Layout& layout, uint32_t g, uint32_t* local) {
  const uint32_t stamp = ++stamp_;  // one call per task group: at most 2^32 - 1 groups
  uint32_t numClusters = 0, k = 0;
  layout.forEachRow(g, [&](uint32_t row) {
    const uint32_t o = columns_.obs[row];
    if (placedStamp_[o] != stamp) {
      const auto* bytes = reinterpret_cast<const char*>(columns_.obsBytes) + columns_.obsOffsets[o];
      text::decodeUtf8(std::string_view(bytes, columns_.obsOffsets[o + 1] - columns_.obsOffsets[o]), text_);
      uint32_t found = 0;
      while (found < numClusters && !matcher_.atLeast(text_, clusters_[found].first, threshold_)) ++found;
      if (found == numClusters) {
        if (clusters_.size() <= numClusters) clusters_.emplace_back();
        clusters_[found].first.assign(text_);
        ++numClusters;
      }
      placedStamp_[o] = stamp;
      placedId_[o] = found;
    }
    local[k++] = placedId_[o];
  });
  return numClusters;
}

}  // namespace gigpo::advantage
