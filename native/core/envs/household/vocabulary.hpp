// What a generated home is made of: the kinds of receptacles (how many a home has, whether
// they open, whether things go "in" or "on" them) and the kinds of objects (what can be
// done to them, where they are found). Written for this engine; the names are ordinary
// household words.
#pragma once
#include <cstdint>
#include <span>

namespace gigpo::household {

enum ReceptacleKind : uint8_t {
  kCabinet,
  kCountertop,
  kDrawer,
  kShelf,
  kFridge,
  kMicrowave,
  kSinkbasin,
  kStoveburner,
  kGarbagecan,
  kDesk,
  kSidetable,
  kDresser,
  kDiningtable,
  kCoffeetable,
  kCoffeemachine,
  kToaster,
  kSafe,
  kSofa,
  kArmchair,
  kBed,
  kNumReceptacleKinds
};

struct ReceptacleType {
  const char* name;
  bool openable;
  bool inside;       // objects go "in" it (else "on" it)
  uint8_t minCount;  // instances per home
  uint8_t maxCount;
};

// What can be done to an object.
enum ObjectProperty : uint8_t {
  kPortable = 1,    // can be taken (the desklamp is not)
  kCleanable = 2,   // clean O with sinkbasin
  kHeatable = 4,    // heat O with microwave
  kCoolable = 8,    // cool O with fridge
  kLightable = 16,  // worth looking at under the desklamp
  kSliceable = 32,  // slice O with knife N (profile verl-agent: ALFWorld's sliceable kinds)
  kSharp = 64,      // slices what is sliceable
};

constexpr int kMaxObjectTypes = 64;

struct ObjectType {
  const char* name;
  uint8_t properties;
  uint32_t places;  // bit k set: found in/on receptacles of kind k
};

// Indexed by ReceptacleKind.
std::span<const ReceptacleType> receptacleTypes();
std::span<const ObjectType> objectTypes();
// Index of the desklamp in objectTypes().
uint8_t desklampType();

}  // namespace gigpo::household
