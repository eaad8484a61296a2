#include "core/envs/household/vocabulary.hpp"

#include <array>

#include "core/envs/household/world.hpp"

namespace gigpo::household {
namespace {

constexpr uint32_t at(ReceptacleKind k) {
  return 1u << k;
}
template <class... K>
constexpr uint32_t at(ReceptacleKind k, K... more) {
  return at(k) | at(more...);
}

constexpr std::array<ReceptacleType, kNumReceptacleKinds> kReceptacles = {{
    {"cabinet", true, true, 3, 7},       {"countertop", false, false, 1, 3},  {"drawer", true, true, 2, 5},
    {"shelf", false, false, 1, 3},       {"fridge", true, true, 1, 1},        {"microwave", true, true, 1, 1},
    {"sinkbasin", false, true, 1, 1},    {"stoveburner", false, false, 2, 4}, {"garbagecan", false, true, 1, 1},
    {"desk", false, false, 0, 1},        {"sidetable", false, false, 0, 2},   {"dresser", false, false, 0, 1},
    {"diningtable", false, false, 0, 1}, {"coffeetable", false, false, 0, 1}, {"coffeemachine", false, false, 0, 1},
    {"toaster", false, false, 0, 1},     {"safe", true, true, 0, 1},          {"sofa", false, false, 0, 1},
    {"armchair", false, false, 0, 1},    {"bed", false, false, 0, 1},
}};

constexpr int maxReceptaclesPerHome() {
  int n = 0;
  for (const auto& t : kReceptacles) n += t.maxCount;  // a forced desk stays within its maxCount of 1
  return n;
}
static_assert(maxReceptaclesPerHome() <= kMaxReceptacles);

constexpr uint8_t kFood = kPortable | kCleanable | kHeatable | kCoolable;
constexpr uint8_t kDish = kPortable | kCleanable | kHeatable | kCoolable;
constexpr uint8_t kCookware = kPortable | kCleanable | kCoolable;
constexpr uint8_t kUtensil = kPortable | kCleanable;
constexpr uint8_t kSmall = kPortable | kLightable;

constexpr std::array kObjects = {
    ObjectType{"apple", kFood | kSliceable,
               at(kFridge, kCountertop, kDiningtable, kSinkbasin, kGarbagecan, kMicrowave)},
    ObjectType{"tomato", kFood | kSliceable, at(kFridge, kCountertop, kDiningtable, kSinkbasin, kGarbagecan)},
    ObjectType{"potato", kFood | kSliceable, at(kFridge, kCountertop, kDiningtable, kSinkbasin, kGarbagecan)},
    ObjectType{"egg", kFood | kSliceable, at(kFridge, kCountertop, kDiningtable, kSinkbasin, kGarbagecan)},
    ObjectType{"bread", kFood | kSliceable, at(kFridge, kCountertop, kDiningtable, kToaster)},
    ObjectType{"lettuce", kPortable | kCleanable | kCoolable | kSliceable,
               at(kFridge, kCountertop, kDiningtable, kSinkbasin)},
    ObjectType{"mug", kDish | kLightable,
               at(kCabinet, kCountertop, kShelf, kSinkbasin, kCoffeemachine, kDesk, kDiningtable, kMicrowave)},
    ObjectType{"cup", kDish, at(kCabinet, kCountertop, kShelf, kSinkbasin, kDiningtable, kFridge)},
    ObjectType{"plate", kDish, at(kCabinet, kCountertop, kShelf, kDiningtable, kSinkbasin, kFridge)},
    ObjectType{"bowl", kDish | kLightable, at(kCabinet, kCountertop, kShelf, kDiningtable, kSinkbasin, kFridge, kDesk)},
    ObjectType{"pan", kCookware, at(kStoveburner, kCountertop, kCabinet, kSinkbasin)},
    ObjectType{"pot", kCookware, at(kStoveburner, kCountertop, kCabinet, kSinkbasin)},
    ObjectType{"knife", kUtensil | kSharp, at(kDrawer, kCountertop, kDiningtable, kSinkbasin)},
    ObjectType{"fork", kUtensil, at(kDrawer, kCountertop, kDiningtable, kSinkbasin)},
    ObjectType{"spoon", kUtensil, at(kDrawer, kCountertop, kDiningtable, kSinkbasin)},
    ObjectType{"spatula", kUtensil, at(kDrawer, kCountertop, kDiningtable, kSinkbasin)},
    ObjectType{"ladle", kUtensil, at(kDrawer, kCountertop, kSinkbasin)},
    ObjectType{"dishsponge", kUtensil, at(kSinkbasin, kCountertop, kCabinet)},
    ObjectType{"cloth", kUtensil, at(kCabinet, kCountertop, kDresser, kDrawer)},
    ObjectType{"book", kSmall, at(kDesk, kShelf, kSidetable, kDresser, kCoffeetable, kSofa, kBed, kDrawer)},
    ObjectType{"pen", kSmall, at(kDesk, kDrawer, kSidetable, kShelf, kDresser)},
    ObjectType{"pencil", kSmall, at(kDesk, kDrawer, kSidetable, kShelf, kDresser)},
    ObjectType{"keychain", kSmall, at(kDrawer, kSidetable, kDresser, kCoffeetable, kShelf, kSafe)},
    ObjectType{"creditcard", kSmall, at(kDrawer, kDesk, kSidetable, kDresser, kCoffeetable, kSafe)},
    ObjectType{"cellphone", kSmall, at(kDesk, kSidetable, kDresser, kBed, kSofa, kDrawer)},
    ObjectType{"cd", kSmall, at(kDrawer, kDesk, kShelf, kSafe)},
    ObjectType{"alarmclock", kSmall, at(kDesk, kSidetable, kDresser, kShelf)},
    ObjectType{"watch", kSmall, at(kDrawer, kSidetable, kDresser, kSafe, kCoffeetable)},
    ObjectType{"statue", kSmall, at(kShelf, kCoffeetable, kDresser, kDesk, kSidetable)},
    ObjectType{"vase", kSmall, at(kShelf, kCoffeetable, kDiningtable, kSidetable)},
    ObjectType{"remotecontrol", kSmall, at(kSofa, kArmchair, kCoffeetable, kSidetable)},
    ObjectType{"newspaper", kSmall, at(kSofa, kArmchair, kCoffeetable, kDiningtable)},
    ObjectType{"pillow", kSmall, at(kSofa, kArmchair, kBed)},
    ObjectType{"saltshaker", kPortable, at(kCabinet, kCountertop, kShelf, kDiningtable)},
    ObjectType{"peppershaker", kPortable, at(kCabinet, kCountertop, kShelf, kDiningtable)},
    ObjectType{"winebottle", kPortable, at(kFridge, kCabinet, kCountertop, kDiningtable)},
    ObjectType{"spraybottle", kPortable, at(kCabinet, kGarbagecan, kShelf)},
    ObjectType{"soapbottle", kPortable, at(kCabinet, kCountertop, kSinkbasin, kShelf)},
    ObjectType{"candle", kPortable, at(kShelf, kCabinet, kSidetable, kCoffeetable)},
    ObjectType{"desklamp", 0, at(kDesk, kSidetable)},
};
static_assert(kObjects.size() <= kMaxObjectTypes);
constexpr uint8_t kDesklamp = static_cast<uint8_t>(kObjects.size() - 1);

}  // namespace

std::span<const ReceptacleType> receptacleTypes() {
  return kReceptacles;
}
std::span<const ObjectType> objectTypes() {
  return kObjects;
}
uint8_t desklampType() {
  return kDesklamp;
}

}  // namespace gigpo::household
