// The household's commands: which are admissible in a state (in a fixed order), their
// text, and their effect. A command that is not admissible is never executed: the env
// answers "Nothing happens." instead.
//
// Admissible commands, in this order:
//   go to R          every receptacle but the one the agent is at
//   open R / close R the openable receptacle the agent is at
//   take O from R    each portable object at R, when R is accessible and the hands are empty
//   put O in/on R    the held object, when R is accessible
//   clean O with sinkbasin N / heat O with microwave N / cool O with fridge N
//                    the held object, at that appliance, when the object allows it
//   slice O with knife N
//                    profile verl-agent only (ALFWorld's SliceObject): each sliceable object
//                    at the agent's receptacle (open or not, as ALFWorld's precondition has
//                    it), while the agent holds the knife
//   use desklamp N   at the receptacle the desklamp stands on
//   examine R        the receptacle the agent is at
//   examine O        the held object
//   inventory, look  always
// Profile verl-agent also knows `help` (always admissible in ALFWorld, left out of the
// list verl-agent shows): it answers with the commands' forms and changes nothing.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "core/envs/household/world.hpp"

namespace gigpo::household {

enum class Verb : uint8_t {
  kGoTo,
  kOpen,
  kClose,
  kTake,
  kPut,
  kClean,
  kHeat,
  kCool,
  kUse,
  kExamine,
  kInventory,
  kLook,
  kSlice
};

struct Command {
  Verb verb = Verb::kLook;
  int8_t object = kNowhere;
  int8_t receptacle = kNowhere;
  bool operator==(const Command&) const = default;
};

// Upper bound on admissible commands: go to (kMaxReceptacles - 1), open/close, take or
// slice (kMaxObjects: a take needs empty hands, a slice the knife in them), put, one
// treatment, use, two examines, inventory, look.
constexpr int kMaxCommands = (kMaxReceptacles - 1) + 1 + kMaxObjects + 1 + 1 + 1 + 2 + 2;

using CommandList = std::array<Command, kMaxCommands>;

// Fills `out` with the admissible commands; returns their count. alfworld: profile
// verl-agent's commands (with slice).
int admissibleCommands(const World& w, CommandList& out, bool alfworld = false);

// Appends the command's text, e.g. "take mug 1 from cabinet 2". With alfworldWords a put
// reads as ALFWorld writes it: "move mug 1 to cabinet 2".
void appendCommand(const World& w, const Command& c, std::string& out, bool alfworldWords = false);

// Applies an admissible command and appends the feedback it produces (with alfworldWords
// a put answers as ALFWorld's does: "You move the mug 1 to the cabinet 2.").
void execute(World& w, const Command& c, std::string& feedback, bool alfworldWords = false);

// The answer to `help` (profile verl-agent): ALFWorld's command forms, in ALFWorld's
// order, each with a short explanation of our own.
void appendHelp(std::string& out);

}  // namespace gigpo::household
