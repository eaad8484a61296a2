#include "core/text/sequence_ratio.hpp"

#include <algorithm>

#include "core/text/utf8.hpp"

namespace gigpo::text {

void RatioTarget::assign(std::span<const char32_t> b) {
  std::fill(std::begin(ascii_), std::end(ascii_), -1);
  wide_.clear();
  counts_.clear();
  ids_.resize(b.size());
  for (size_t j = 0; j < b.size(); ++j) {
    const char32_t c = b[j];
    int32_t id = idOf(c);
    if (id < 0) {
      id = static_cast<int32_t>(counts_.size());
      counts_.push_back(0);
      if (c < 128)
        ascii_[c] = id;
      else
        wide_.emplace(c, id);
    }
    ++counts_[id];
    ids_[j] = id;
  }
  // difflib's autojunk: for |b| >= 200, an element seen more than |b|/100 + 1 times is
  // "popular" and gets no positions, so the longest-match search never starts on it.
  const size_t n = b.size();
  const uint32_t limit = n >= 200 ? static_cast<uint32_t>(n / 100 + 1) : UINT32_MAX;
  starts_.assign(counts_.size() + 1, 0);
  for (size_t id = 0; id < counts_.size(); ++id)
    starts_[id + 1] = starts_[id] + (counts_[id] > limit ? 0 : counts_[id]);
  positions_.resize(starts_.back());
  fill_.assign(starts_.begin(), starts_.end() - 1);
  for (size_t j = 0; j < n; ++j) {
    const int32_t id = ids_[j];
    if (counts_[id] <= limit) positions_[fill_[id]++] = static_cast<uint32_t>(j);
  }
}

void RatioMatcher::mapToTarget(std::span<const char32_t> a, const RatioTarget& b) {
  aIds_.resize(a.size());
  for (size_t i = 0; i < a.size(); ++i) aIds_[i] = b.idOf(a[i]);
  if (lenPrev_.size() < b.size()) {
    lenPrev_.resize(b.size(), 0);
    lenCur_.resize(b.size(), 0);
  }
}

uint32_t RatioMatcher::quickMatches(const RatioTarget& b) {
  avail_.assign(b.counts_.begin(), b.counts_.end());
  uint32_t matches = 0;
  for (int32_t id : aIds_) {
    if (id < 0) continue;
    if (avail_[id] > 0) ++matches;
    --avail_[id];
  }
  return matches;
}

// difflib's find_longest_match with no junk: among the longest blocks of a[alo:ahi] and
// b[blo:bhi] that start on non-popular characters, the one ending first in a (then in b),
// then extended on both sides while characters are equal (popular ones included).
RatioMatcher::Block RatioMatcher::longestMatch(const RatioTarget& b, const Range& r) {
  uint32_t besti = r.alo, bestj = r.blo, bestsize = 0;
  const uint32_t* positions = b.positions_.data();
  // lenPrev_[j]: length of the match ending at a[i-1], b[j] (0 unless touched last round).
  for (uint32_t i = r.alo; i < r.ahi; ++i) {
    touchedCur_.clear();
    const int32_t id = aIds_[i];
    if (id >= 0) {
      const uint32_t* p = std::lower_bound(positions + b.starts_[id], positions + b.starts_[id + 1], r.blo);
      const uint32_t* end = positions + b.starts_[id + 1];
      for (; p != end && *p < r.bhi; ++p) {
        const uint32_t j = *p;
        const uint32_t k = (j > 0 ? lenPrev_[j - 1] : 0) + 1;
        lenCur_[j] = k;
        touchedCur_.push_back(j);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
    }
    for (uint32_t j : touchedPrev_) lenPrev_[j] = 0;
    std::swap(lenPrev_, lenCur_);
    std::swap(touchedPrev_, touchedCur_);
  }
  for (uint32_t j : touchedPrev_) lenPrev_[j] = 0;
  touchedPrev_.clear();
  const int32_t* bIds = b.ids_.data();
  while (besti > r.alo && bestj > r.blo && aIds_[besti - 1] == bIds[bestj - 1]) {
    --besti;
    --bestj;
    ++bestsize;
  }
  while (besti + bestsize < r.ahi && bestj + bestsize < r.bhi && aIds_[besti + bestsize] == bIds[bestj + bestsize])
    ++bestsize;
  return {besti, bestj, bestsize};
}

// get_matching_blocks' recursion; only the total matters, so the visiting order is free.
uint64_t RatioMatcher::matchedCharacters(const RatioTarget& b) {
  uint64_t matches = 0;
  stack_.clear();
  stack_.push_back({0, static_cast<uint32_t>(aIds_.size()), 0, static_cast<uint32_t>(b.size())});
  while (!stack_.empty()) {
    const Range r = stack_.back();
    stack_.pop_back();
    const Block m = longestMatch(b, r);
    if (m.size == 0) continue;
    matches += m.size;
    if (r.alo < m.i && r.blo < m.j) stack_.push_back({r.alo, m.i, r.blo, m.j});
    if (m.i + m.size < r.ahi && m.j + m.size < r.bhi) stack_.push_back({m.i + m.size, r.ahi, m.j + m.size, r.bhi});
  }
  return matches;
}

double RatioMatcher::ratio(std::span<const char32_t> a, const RatioTarget& b) {
  mapToTarget(a, b);
  return ratioOf(matchedCharacters(b), a.size() + b.size());
}

bool RatioMatcher::atLeast(std::span<const char32_t> a, const RatioTarget& b, double threshold) {
  const uint64_t total = a.size() + b.size();
  // matches <= quick matches <= min(|a|, |b|), and 2m/total is monotone in m, so each
  // bound rejects only pairs whose exact ratio is below the threshold too.
  if (ratioOf(std::min(a.size(), b.size()), total) < threshold) return false;
  mapToTarget(a, b);
  if (ratioOf(quickMatches(b), total) < threshold) return false;
  return ratioOf(matchedCharacters(b), total) >= threshold;
}

double sequenceRatio(std::span<const char32_t> a, std::span<const char32_t> b) {
  RatioTarget target;
  target.assign(b);
  RatioMatcher matcher;
  return matcher.ratio(a, target);
}

double sequenceRatioUtf8(std::string_view a, std::string_view b) {
  std::vector<char32_t> ca, cb;
  decodeUtf8(a, ca);
  decodeUtf8(b, cb);
  return sequenceRatio(ca, cb);
}

}  // namespace gigpo::text
