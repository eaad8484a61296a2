#include "core/envs/shop/reward.hpp"

namespace gigpo::shop {

double typeMatch(const Goal& goal, const Product& p) {
  if (p.type == goal.type) return 1.0;
  if (Catalog::typeOf(p).category == productTypes()[goal.type].category) return 0.5;
  return 0.1;
}

double purchaseReward(const Goal& goal, const Product& p, const Selection& selected) {
  int matched = 0;
  for (int a = 0; a < goal.numAttributes; ++a)
    for (int k = 0; k < p.numAttributes; ++k)
      if (Catalog::attribute(p, k) == goal.attributes[a]) {
        ++matched;
        break;
      }
  for (int o = 0; o < goal.numOptions; ++o)
    for (int s = 0; s < kMaxOptionKindsPerType; ++s)
      if (selected[s] >= 0 && Catalog::optionKind(p, s) != kNoOption &&
          optionKinds()[Catalog::optionKind(p, s)].label == goal.options[o].label &&
          Catalog::optionValue(p, s, selected[s]) == goal.options[o].value) {
        ++matched;
        break;
      }
  if (p.priceCents <= goal.budgetCents) ++matched;
  return typeMatch(goal, p) * matched / (goal.numAttributes + goal.numOptions + 1);
}

double bestReward(const Goal& goal, const Product& p, Selection& best) {
  best = kNothingSelected;
  for (int s = 0; s < kMaxOptionKindsPerType; ++s) {
    if (Catalog::optionKind(p, s) == kNoOption) continue;
    const std::string_view label = optionKinds()[Catalog::optionKind(p, s)].label;
    for (int o = 0; o < goal.numOptions; ++o) {
      if (goal.options[o].label != label) continue;
      for (int k = 0; k < p.numValues[s]; ++k)
        if (Catalog::optionValue(p, s, k) == goal.options[o].value) best[s] = static_cast<int8_t>(k);
    }
  }
  return purchaseReward(goal, p, best);
}

}  // namespace gigpo::shop
