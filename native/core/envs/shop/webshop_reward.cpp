#include "core/envs/shop/webshop_reward.hpp"

#include <string>

#include "core/text/token_set_ratio.hpp"

namespace gigpo::shop {
namespace {

// WebShop's colour words, in the order its normalisation tries them (the first one found
// in a value wins: "navy blue" reads as blue). Facts of the reference, listed here.
constexpr std::string_view kColourWords[] = {
    "alabaster",  "apricot",   "aqua",     "ash",      "asphalt",   "azure",     "banana",   "beige",    "black",
    "blue",       "blush",     "bordeaux", "bronze",   "brown",     "burgundy",  "camel",    "camo",     "caramel",
    "champagne",  "charcoal",  "cheetah",  "chestnut", "chocolate", "christmas", "coffee",   "cognac",   "copper",
    "coral",      "cranberry", "cream",    "crystal",  "dark",      "denim",     "eggplant", "elephant", "espresso",
    "fuchsia",    "gold",      "granite",  "grape",    "graphite",  "grass",     "gray",     "green",    "grey",
    "heather",    "indigo",    "ivory",    "ivy",      "khaki",     "lavender",  "lemon",    "leopard",  "light",
    "lilac",      "lime",      "magenta",  "maroon",   "mauve",     "merlot",    "midnight", "mint",     "mocha",
    "multicolor", "mushroom",  "mustard",  "natural",  "navy",      "nude",      "olive",    "orange",   "peach",
    "pewter",     "pink",      "plum",     "purple",   "rainbow",   "red",       "rose",     "royal",    "rust",
    "sand",       "sapphire",  "seashell", "silver",   "skull",     "slate",     "steel",    "stone",    "stonewash",
    "sunflower",  "tan",       "taupe",    "teal",     "tiger",     "turquoise", "violet",   "walnut",   "wheat",
    "white",      "wine",      "yellow",
};

constexpr int kMatchAbove = 85;

void appendLower(std::string_view s, std::string& out) {
  for (char c : s) out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

struct LowerOut {
  std::string& text;
  LowerOut& operator<<(std::string_view s) {
    appendLower(s, text);
    return *this;
  }
};

bool attributeMatches(std::string_view g, const Catalog& catalog, const Product& p) {
  for (int k = 0; k < p.numAttributes; ++k)
    if (text::tokenSetRatio(Catalog::attribute(p, k), g) > kMatchAbove) return true;
  std::string text;
  appendLower(p.title, text);
  if (text.find(g) != std::string::npos) return true;
  text.clear();
  for (int k = 0; k < p.numAttributes; ++k) {
    if (k) text += ' ';
    appendLower(Catalog::attribute(p, k), text);
  }
  if (text.find(g) != std::string::npos) return true;
  text.clear();
  LowerOut lower{text};
  catalog.writeDescription(p, lower);
  return text.find(g) != std::string::npos;
}

}  // namespace

std::string_view webshopColour(std::string_view value) {
  for (std::string_view colour : kColourWords)
    if (value.find(colour) != std::string_view::npos) return colour;
  return value;
}

double webshopPurchaseReward(const Goal& goal, const Catalog& catalog, const Product& p, const Selection& selected) {
  int matched = 0;
  for (int a = 0; a < goal.numAttributes; ++a)
    if (attributeMatches(goal.attributes[a], catalog, p)) ++matched;
  for (int o = 0; o < goal.numOptions; ++o) {
    const std::string_view want = webshopColour(goal.options[o].value);
    for (int s = 0; s < kMaxOptionKindsPerType; ++s)
      if (selected[s] >= 0 &&
          text::tokenSetRatio(webshopColour(Catalog::optionValue(p, s, selected[s])), want) > kMatchAbove) {
        ++matched;
        break;
      }
  }
  if (p.priceCents <= goal.budgetCents) ++matched;
  return typeMatch(goal, p) * matched / (goal.numAttributes + goal.numOptions + 1);
}

}  // namespace gigpo::shop
