#include "core/envs/household/world.hpp"

namespace gigpo::household {

int8_t World::findReceptacle(uint8_t kind) const {
  for (int r = 0; r < numReceptacles; ++r)
    if (receptacles[r].kind == kind) return static_cast<int8_t>(r);
  return kNowhere;
}

void generateHome(Pcg32& rng, World& world) {
  world = World{};
  auto types = receptacleTypes();
  std::array<uint8_t, kNumReceptacleKinds> counts{};
  for (size_t k = 0; k < types.size(); ++k)
    counts[k] = static_cast<uint8_t>(types[k].minCount + rng.below(types[k].maxCount - types[k].minCount + 1u));
  if (counts[kDesk] == 0 && counts[kSidetable] == 0) counts[kDesk] = 1;  // the desklamp needs a place
  for (size_t k = 0; k < types.size(); ++k)
    for (uint8_t n = 1; n <= counts[k]; ++n)
      world.receptacles[world.numReceptacles++] = Receptacle{static_cast<uint8_t>(k), n, false};
  world.sinkbasin = world.findReceptacle(kSinkbasin);
  world.microwave = world.findReceptacle(kMicrowave);
  world.fridge = world.findReceptacle(kFridge);
}

int placesIn(const World& world, uint32_t places, int exclude, std::array<int8_t, kMaxReceptacles>& out) {
  int n = 0;
  for (int r = 0; r < world.numReceptacles; ++r)
    if (r != exclude && (places >> world.receptacles[r].kind & 1u)) out[n++] = static_cast<int8_t>(r);
  return n;
}

}  // namespace gigpo::household
