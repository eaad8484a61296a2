// The similarity ratio of Python's difflib.SequenceMatcher(None, a, b).ratio(), computed
// the same way (so thresholds tuned against the reference mean the same here):
// ratio = 2·M / (|a| + |b|), M = characters matched by difflib's recursion of longest
// matching blocks, with its "autojunk" rule: when |b| >= 200, characters occurring more than
// |b|/100 + 1 times in b are "popular" and left out of the index used to find matches
// (a match may still be extended across them). Characters are Unicode code points.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gigpo::text {

// The second sequence b, prepared once and compared against many a's: difflib's b2j
// (positions per character, popular characters dropped) plus full counts for quickRatio.
class RatioTarget {
 public:
  void assign(std::span<const char32_t> b);
  size_t size() const { return ids_.size(); }
  // Dense id of a character of b, or -1 when b does not contain it.
  int32_t idOf(char32_t c) const {
    if (c < 128) return ascii_[c];
    auto it = wide_.find(c);
    return it == wide_.end() ? -1 : it->second;
  }

 private:
  friend class RatioMatcher;
  std::vector<int32_t> ids_;         // b, as character ids
  std::vector<uint32_t> counts_;     // occurrences of each id in b
  std::vector<uint32_t> starts_;     // positions_[starts_[id] .. starts_[id + 1]): ascending indices
  std::vector<uint32_t> positions_;  // of each non-popular id in b
  std::vector<uint32_t> fill_;       // scratch for building positions_
  int32_t ascii_[128];
  std::unordered_map<char32_t, int32_t> wide_;
};

// Scratch space for comparisons; reusing one matcher makes repeated comparisons allocation-free.
class RatioMatcher {
 public:
  double ratio(std::span<const char32_t> a, const RatioTarget& b);
  // ratio(a, b) >= threshold, rejecting early on difflib's own upper bounds
  // (real_quick_ratio: lengths only; quick_ratio: character multisets).
  bool atLeast(std::span<const char32_t> a, const RatioTarget& b, double threshold);

 private:
  struct Block {
    uint32_t i, j, size;
  };
  struct Range {
    uint32_t alo, ahi, blo, bhi;
  };
  void mapToTarget(std::span<const char32_t> a, const RatioTarget& b);
  uint32_t quickMatches(const RatioTarget& b);
  uint64_t matchedCharacters(const RatioTarget& b);
  Block longestMatch(const RatioTarget& b, const Range& r);

  std::vector<int32_t> aIds_;  // a, as ids of the target (-1: not in b)
  std::vector<uint32_t> lenPrev_, lenCur_;
  std::vector<uint32_t> touchedPrev_, touchedCur_;
  std::vector<int32_t> avail_;
  std::vector<Range> stack_;
};

// 2·matches / total as difflib computes it (1.0 for two empty sequences).
inline double ratioOf(uint64_t matches, uint64_t total) {
  return total == 0 ? 1.0 : 2.0 * static_cast<double>(matches) / static_cast<double>(total);
}

// One-off comparison (tests, the JS helper).
double sequenceRatio(std::span<const char32_t> a, std::span<const char32_t> b);
// The same for UTF-8 text, compared as code points.
double sequenceRatioUtf8(std::string_view a, std::string_view b);

}  // namespace gigpo::text
