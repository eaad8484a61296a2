#include "core/envs/shop/webshop_page.hpp"

#include <charconv>

#include "core/envs/shop/render.hpp"

namespace gigpo::shop {
namespace {

constexpr std::string_view kSep = " [SEP] ";

// Python's str(float): the shortest round-trip digits, with ".0" on whole numbers.
void pythonFloat(double v, text::TextSink& out) {
  char digits[32];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  const std::string_view text(digits, static_cast<size_t>(end - digits));
  out << text;
  if (text.find_first_of(".en") == std::string_view::npos) out << ".0";
}

void results(const Session& s, const Catalog& catalog, text::TextSink& out) {
  out << kSep << "Page " << static_cast<uint32_t>(s.resultPage + 1u)
      << " (Total results: " << static_cast<uint32_t>(s.numResults) << ')';
  if (s.resultPage > 0) out << kSep << "< Prev";
  out << kSep << "Next >";
  const int first = s.resultPage * kResultsPerPage;
  for (int r = first; r < s.numResults && r < first + kResultsPerPage; ++r) {
    const Product& p = catalog[s.results[r]];
    out << kSep << Catalog::id(p) << kSep << p.title << kSep;
    writePrice(p.priceCents, out);
  }
}

void item(const Session& s, const Catalog& catalog, text::TextSink& out) {
  const Product& p = catalog[s.product];
  for (int slot = 0; slot < kMaxOptionKindsPerType; ++slot) {
    if (p.numValues[slot] == 0) continue;
    out << kSep << optionKinds()[Catalog::optionKind(p, slot)].label;
    for (int k = 0; k < p.numValues[slot]; ++k) out << kSep << Catalog::optionValue(p, slot, k);
  }
  out << kSep << p.title << kSep << "Price: ";
  writePrice(p.priceCents, out);
  out << kSep << "Rating: N.A." << kSep << "Description" << kSep << "Features" << kSep << "Reviews" << kSep
      << "Buy Now";
}

}  // namespace

void renderWebshopPage(const Session& s, const Catalog& catalog, std::string_view instruction, double boughtScore,
                       text::TextSink& out) {
  if (boughtScore >= 0) {
    out << "Thank you for shopping with us!" << kSep << "Your score (min 0.0, max 1.0)" << kSep;
    pythonFloat(boughtScore, out);
    return;
  }
  if (s.page == Page::kSearch) {
    out << "WebShop" << kSep << "Instruction:" << kSep << instruction << kSep << "Search";
    return;
  }
  out << "Instruction:" << kSep << instruction << kSep << "Back to Search";
  if (s.page == Page::kResults) {
    results(s, catalog, out);
    return;
  }
  out << kSep << "< Prev";
  const Product& p = catalog[s.product];
  switch (s.page) {
    case Page::kItem:
      item(s, catalog, out);
      break;
    case Page::kDescription:
      out << kSep;
      catalog.writeDescription(p, out);
      break;
    case Page::kFeatures:
      for (int k = 0; k < p.numAttributes; ++k) out << kSep << Catalog::attribute(p, k);
      break;
    default:
      break;  // reviews: none
  }
}

}  // namespace gigpo::shop
