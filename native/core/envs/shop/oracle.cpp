#include "core/envs/shop/oracle.hpp"

namespace gigpo::shop {
namespace {

int indexOf(const ClickableList& list, int n, Clickable c) {
  for (int k = 0; k < n; ++k)
    if (list[k] == c) return k;
  return 0;  // "back to search" (listed first on every page but search)
}

// The result with the best achievable reward (the first one on ties).
void findBest(const Session& s, const Goal& goal, const Catalog& catalog, OracleMemo& memo) {
  if (memo.known) return;
  memo = {true, 0, -1.0};
  Selection unused;
  for (int r = 0; r < s.numResults; ++r) {
    const double v = bestReward(goal, catalog[s.results[r]], unused);
    if (v > memo.value) memo.value = v, memo.best = r;
  }
}

}  // namespace

int oracleMove(const Session& s, const Goal& goal, const Catalog& catalog, const ClickableList& list, int n,
               OracleMemo& memo, std::string& query) {
  switch (s.page) {
    case Page::kSearch:
      query.clear();
      appendKeywords(goal, query);
      return -1;
    case Page::kResults: {
      if (s.numResults == 0) return indexOf(list, n, {Click::kBackToSearch});
      findBest(s, goal, catalog, memo);
      const int best = memo.best, page = best / kResultsPerPage;
      if (page > s.resultPage) return indexOf(list, n, {Click::kNext});
      if (page < s.resultPage) return indexOf(list, n, {Click::kPrev});
      return indexOf(list, n, {Click::kProduct, static_cast<uint8_t>(best)});
    }
    case Page::kItem: {
      findBest(s, goal, catalog, memo);
      Selection want;
      if (bestReward(goal, catalog[s.product], want) < memo.value) return indexOf(list, n, {Click::kPrev});
      for (int slot = 0; slot < kMaxOptionKindsPerType; ++slot)
        if (want[slot] >= 0 && s.selected[slot] != want[slot])
          return indexOf(list, n, {Click::kOption, static_cast<uint8_t>(slot), static_cast<uint8_t>(want[slot])});
      return indexOf(list, n, {Click::kBuyNow});
    }
    case Page::kDescription:
    case Page::kFeatures:
    case Page::kReviews:
      return indexOf(list, n, {Click::kPrev});
  }
  return 0;
}

}  // namespace gigpo::shop
