#include "core/envs/shop/render.hpp"

namespace gigpo::shop {
namespace {

void price(uint32_t cents, text::TextSink& out) {
  writePrice(cents, out);
}

void results(const Session& s, const Catalog& catalog, text::TextSink& out) {
  const uint32_t pages = (s.numResults + kResultsPerPage - 1) / kResultsPerPage;
  out << "Results for \"" << s.query << "\": ";
  if (s.numResults == 0) {
    out << "no products found.\n";
    return;
  }
  out << "page " << static_cast<uint32_t>(s.resultPage + 1) << " of " << pages << " ("
      << static_cast<uint32_t>(s.numResults) << " products)\n";
  const int first = s.resultPage * kResultsPerPage;
  for (int r = first; r < s.numResults && r < first + kResultsPerPage; ++r) {
    const Product& p = catalog[s.results[r]];
    out << '[' << Catalog::id(p) << "] " << p.title << " | ";
    price(p.priceCents, out);
    out << '\n';
  }
}

void item(const Session& s, const Catalog& catalog, text::TextSink& out) {
  const Product& p = catalog[s.product];
  out << p.title << "\nCategory: " << Catalog::categoryOf(p).name << " > " << Catalog::typeOf(p).noun << "\nPrice: ";
  price(p.priceCents, out);
  out << '\n';
  for (int slot = 0; slot < kMaxOptionKindsPerType; ++slot) {
    if (p.numValues[slot] == 0) continue;
    out << optionKinds()[Catalog::optionKind(p, slot)].label << ':';
    for (int k = 0; k < p.numValues[slot]; ++k) out << " [" << Catalog::optionValue(p, slot, k) << ']';
    out << " (selected: ";
    if (s.selected[slot] >= 0) {
      out << Catalog::optionValue(p, slot, s.selected[slot]);
    } else {
      out << "none";
    }
    out << ")\n";
  }
}

void description(const Session& s, const Catalog& catalog, text::TextSink& out) {
  const Product& p = catalog[s.product];
  out << p.title << "\nDescription: ";
  catalog.writeDescription(p, out);
  out << '\n';
}

void features(const Session& s, const Catalog& catalog, text::TextSink& out) {
  const Product& p = catalog[s.product];
  out << p.title << "\nFeatures:\n";
  for (int k = 0; k < p.numAttributes; ++k) out << "- " << Catalog::attribute(p, k) << '\n';
}

}  // namespace

void writePrice(uint32_t cents, text::TextSink& out) {
  const uint32_t c = cents % 100;
  out << '$' << cents / 100 << '.' << static_cast<char>('0' + c / 10) << static_cast<char>('0' + c % 10);
}

void renderPage(const Session& s, const Catalog& catalog, std::string_view instruction, const ClickableList& clickables,
                int numClickables, text::TextSink& out) {
  out << "Instruction: " << instruction << '\n';
  switch (s.page) {
    case Page::kSearch:
      out << "Search page: type search[your query] to find products.\nActions: search[...]";
      return;
    case Page::kResults:
      results(s, catalog, out);
      break;
    case Page::kItem:
      item(s, catalog, out);
      break;
    case Page::kDescription:
      description(s, catalog, out);
      break;
    case Page::kFeatures:
      features(s, catalog, out);
      break;
    case Page::kReviews:
      break;  // profile verl-agent only (webshop_page.hpp)
  }
  out << "Actions: ";
  for (int k = 0; k < numClickables; ++k)
    out << (k ? ", click[" : "click[") << clickableName(s, catalog, clickables[k]) << ']';
}

}  // namespace gigpo::shop
