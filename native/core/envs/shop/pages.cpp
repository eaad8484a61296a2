#include "core/envs/shop/pages.hpp"

namespace gigpo::shop {

int listClickables(const Session& s, const Catalog& catalog, ClickableList& out, bool webshop) {
  int n = 0;
  if (s.page == Page::kSearch) return 0;
  out[n++] = {Click::kBackToSearch};
  if (s.page == Page::kResults) {
    const int first = s.resultPage * kResultsPerPage;
    if (s.resultPage > 0) out[n++] = {Click::kPrev};
    if (webshop || first + kResultsPerPage < s.numResults) out[n++] = {Click::kNext};
    for (int r = first; r < s.numResults && r < first + kResultsPerPage; ++r)
      out[n++] = {Click::kProduct, static_cast<uint8_t>(r)};
    return n;
  }
  out[n++] = {Click::kPrev};
  if (s.page == Page::kItem) {
    const Product& p = catalog[s.product];
    for (int slot = 0; slot < kMaxOptionKindsPerType; ++slot)
      for (int k = 0; k < p.numValues[slot]; ++k)
        out[n++] = {Click::kOption, static_cast<uint8_t>(slot), static_cast<uint8_t>(k)};
    out[n++] = {Click::kDescription};
    out[n++] = {Click::kFeatures};
    if (webshop) out[n++] = {Click::kReviews};
    out[n++] = {Click::kBuyNow};
  }
  return n;
}

std::string_view clickableName(const Session& s, const Catalog& catalog, const Clickable& c) {
  switch (c.kind) {
    case Click::kBackToSearch:
      return "back to search";
    case Click::kPrev:
      return "< prev";
    case Click::kNext:
      return "next >";
    case Click::kProduct:
      return Catalog::id(catalog[s.results[c.a]]);
    case Click::kOption:
      return Catalog::optionValue(catalog[s.product], c.a, c.b);
    case Click::kDescription:
      return "description";
    case Click::kFeatures:
      return "features";
    case Click::kBuyNow:
      return "buy now";
    case Click::kReviews:
      return "reviews";
  }
  return "";
}

void runSearch(Session& s, const Bm25Index& index, std::string_view query) {
  size_t len = query.size() < kMaxQueryBytes ? query.size() : kMaxQueryBytes;
  while (len < query.size() && len > 0 && (static_cast<unsigned char>(query[len]) & 0xC0) == 0x80) --len;
  s.query.assign(query.substr(0, len));
  s.numResults = static_cast<uint8_t>(index.search(s.query, s.results.data(), kMaxResults));
  s.resultPage = 0;
  s.page = Page::kResults;
}

bool follow(Session& s, const Clickable& c) {
  switch (c.kind) {
    case Click::kBackToSearch:
      s.page = Page::kSearch;
      s.query.clear();
      s.numResults = 0;
      break;
    case Click::kPrev:
      if (s.page == Page::kResults) {
        --s.resultPage;
      } else if (s.page == Page::kItem) {
        s.page = Page::kResults;
      } else {
        s.page = Page::kItem;
      }
      break;
    case Click::kNext:
      if (s.resultPage < 255) ++s.resultPage;
      break;
    case Click::kProduct:
      s.product = s.results[c.a];
      s.selected = kNothingSelected;
      s.page = Page::kItem;
      break;
    case Click::kOption:
      s.selected[c.a] = static_cast<int8_t>(c.b);
      break;
    case Click::kDescription:
      s.page = Page::kDescription;
      break;
    case Click::kFeatures:
      s.page = Page::kFeatures;
      break;
    case Click::kReviews:
      s.page = Page::kReviews;
      break;
    case Click::kBuyNow:
      return true;
  }
  return false;
}

}  // namespace gigpo::shop
