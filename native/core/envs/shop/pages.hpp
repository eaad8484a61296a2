// The shop's pages and how clicks move between them, as in WebShop:
//   search      -> search[query] -> results (10 per page, up to 50 products)
//   results     -> back to search | < prev | next > | a product id -> item
//   item        -> back to search | < prev (results) | an option value (selects it) |
//                  description | features | buy now (ends the episode)
//   description, features -> back to search | < prev (item, selection kept)
// The clickable elements of a page, in the order listed above, are what the
// observation lists and what click action ids index.
// WebShop's pages (profile verl-agent) differ: a results page always offers "next >" (past
// the last result it shows none), and the item page also offers "reviews" (a page with
// only back to search and < prev: the catalog has no reviews).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/envs/shop/bm25.hpp"
#include "core/envs/shop/catalog.hpp"
#include "core/envs/shop/reward.hpp"

namespace gigpo::shop {

enum class Page : uint8_t { kSearch, kResults, kItem, kDescription, kFeatures, kReviews };

constexpr int kResultsPerPage = 10;
constexpr int kMaxResults = 50;
constexpr size_t kMaxQueryBytes = 120;  // longer queries are cut (at a UTF-8 character boundary)

struct Session {
  Page page = Page::kSearch;
  std::string query;  // the last search, normalised
  std::array<uint32_t, kMaxResults> results{};
  uint8_t numResults = 0;
  uint8_t resultPage = 0;  // 0-based
  uint32_t product = 0;    // on item / description / features pages
  Selection selected = kNothingSelected;
};

enum class Click : uint8_t {
  kBackToSearch,
  kPrev,
  kNext,
  kProduct,
  kOption,
  kDescription,
  kFeatures,
  kBuyNow,
  kReviews
};

struct Clickable {
  Click kind = Click::kBackToSearch;
  uint8_t a = 0;  // kProduct: index into results; kOption: option slot
  uint8_t b = 0;  // kOption: index of the value among the product's offered values
  bool operator==(const Clickable&) const = default;
};

// Item page: back, prev, up to 2 x 6 option values, description, features, buy now; WebShop's
// also reviews.
constexpr int kMaxClickables = 2 + kMaxOptionKindsPerType * kMaxOptionValues + 3;
constexpr int kMaxWebshopClickables = kMaxClickables + 1;
static_assert(kMaxClickables >= 3 + kResultsPerPage);
using ClickableList = std::array<Clickable, kMaxWebshopClickables>;

int listClickables(const Session& s, const Catalog& catalog, ClickableList& out, bool webshop = false);
// The element's text as shown in click[...]: "next >", "B0K3X9QZ1A", "large", "buy now".
std::string_view clickableName(const Session& s, const Catalog& catalog, const Clickable& c);

void runSearch(Session& s, const Bm25Index& index, std::string_view query);
// Follows a click; returns true when it was "buy now" (the caller scores the purchase).
bool follow(Session& s, const Clickable& c);

}  // namespace gigpo::shop
