// The state of a home: its receptacles, the objects in or on them, where the agent stands
// and what it holds. Fixed-capacity arrays, so resetting and stepping allocate nothing.
#pragma once
#include <array>
#include <cstdint>

#include "core/envs/household/vocabulary.hpp"
#include "core/rng.hpp"

namespace gigpo::household {

constexpr int kMaxReceptacles = 40;
constexpr int kMaxObjects = 32;
constexpr int8_t kNowhere = -1;  // agent: in the middle of the room; hands: empty
constexpr int8_t kHeld = -2;     // object location: in the agent's hands

struct Receptacle {
  uint8_t kind = 0;  // ReceptacleKind
  uint8_t number = 1;
  bool open = false;
};

struct Object {
  uint8_t type = 0;  // index into objectTypes()
  uint8_t number = 1;
  int8_t location = kNowhere;  // receptacle index, or kHeld
  bool clean = false;
  bool hot = false;
  bool cool = false;
  bool sliced = false;  // only profile verl-agent slices
};

struct World {
  std::array<Receptacle, kMaxReceptacles> receptacles{};
  std::array<Object, kMaxObjects> objects{};
  uint8_t numReceptacles = 0;
  uint8_t numObjects = 0;
  int8_t agentAt = kNowhere;  // receptacle index
  int8_t held = kNowhere;     // object index
  bool lampOn = false;
  // The single appliances every home has, and the desklamp (an object index).
  int8_t sinkbasin = 0, microwave = 0, fridge = 0, desklamp = 0;

  const ReceptacleType& typeOf(const Receptacle& r) const { return receptacleTypes()[r.kind]; }
  const ObjectType& typeOf(const Object& o) const { return objectTypes()[o.type]; }
  bool openable(int r) const { return typeOf(receptacles[r]).openable; }
  // Its contents can be seen, taken and added to: not a closed cabinet/drawer/fridge/...
  bool accessible(int r) const { return !openable(r) || receptacles[r].open; }
  int8_t findReceptacle(uint8_t kind) const;  // first of that kind, or kNowhere
};

// Receptacles only (no objects yet): every home has the kitchen basics and a desk or
// side table for the desklamp.
void generateHome(Pcg32& rng, World& world);

// Receptacle indices whose kind is in `places`, except `exclude`; returns their count.
int placesIn(const World& world, uint32_t places, int exclude, std::array<int8_t, kMaxReceptacles>& out);

}  // namespace gigpo::household
