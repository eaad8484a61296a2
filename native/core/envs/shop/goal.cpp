#include "core/envs/shop/goal.hpp"

namespace gigpo::shop {

Goal drawGoal(Pcg32& rng, const Catalog& catalog) {
  Goal g;
  g.product = rng.below(catalog.size());
  const Product& p = catalog[g.product];
  g.type = p.type;
  // 1-3 of the product's attributes, a random subset in the product's order.
  const uint32_t want = 1 + rng.below(kMaxGoalAttributes);
  uint32_t left = p.numAttributes;
  uint32_t need = want < left ? want : left;
  for (int k = 0; k < p.numAttributes && need > 0; ++k, --left)
    if (rng.below(left) < need) {
      g.attributes[g.numAttributes++] = Catalog::attribute(p, k);
      --need;
    }
  for (int s = 0; s < kMaxOptionKindsPerType; ++s) {
    if (Catalog::optionKind(p, s) == kNoOption) continue;
    const OptionKind& kind = optionKinds()[Catalog::optionKind(p, s)];
    g.options[g.numOptions++] = {Catalog::optionKind(p, s), kind.label,
                                 Catalog::optionValue(p, s, static_cast<int>(rng.below(p.numValues[s])))};
  }
  // A budget 10-80% above the price, in whole dollars (tens above 20 dollars).
  const double factor = 1.1 + 0.7 * rng.uniform();
  uint32_t dollars = static_cast<uint32_t>(p.priceCents * factor / 100.0) + 1;
  if (dollars > 20) dollars = (dollars + 9) / 10 * 10;
  g.budgetCents = dollars * 100;
  g.phrasing = static_cast<uint8_t>(rng.below(3));
  return g;
}

void appendInstruction(const Goal& g, std::string& out) {
  const ProductType& t = productTypes()[g.type];
  static constexpr std::string_view kOpenings[] = {"i need ", "i am looking for ", "find me "};
  out += kOpenings[g.phrasing];
  const bool vowel = std::string_view("aeiou").find(t.noun[0]) != std::string_view::npos;
  out += t.plural || t.mass ? "some " : vowel ? "an " : "a ";
  out.append(t.noun).append(t.plural ? " that are " : " that is ");
  for (int k = 0; k < g.numAttributes; ++k) {
    if (k > 0) out += k + 1 == g.numAttributes ? " and " : ", ";
    out += g.attributes[k];
  }
  for (int k = 0; k < g.numOptions; ++k) {
    out += k == 0 ? ", " : " and ";
    const OptionKind& kind = optionKinds()[g.options[k].kind];
    out.append(kind.before).append(g.options[k].value).append(kind.after);
  }
  out += g.phrasing == 2 ? ", with price lower than " : ", and price lower than ";
  out += std::to_string(g.budgetCents / 100);
  out += ".00 dollars";
}

void appendKeywords(const Goal& g, std::string& out) {
  out += productTypes()[g.type].noun;
  for (int k = 0; k < g.numAttributes; ++k) out.append(" ").append(g.attributes[k]);
}

}  // namespace gigpo::shop
