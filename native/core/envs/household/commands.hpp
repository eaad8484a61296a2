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
//   use desklamp N   at the receptacle the desklamp stands on
//   examine R        the receptacle the agent is at
//   examine O        the held object
//   inventory, look  always
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "core/envs/household/world.hpp"

namespace gigpo::household {

enum class Verb : uint8_t { kGoTo, kOpen, kClose, kTake, kPut, kClean, kHeat, kCool, kUse, kExamine, kInventory, kLook };

struct Command {
  Verb verb = Verb::kLook;
  int8_t object = kNowhere;
  int8_t receptacle = kNowhere;
  bool operator==(const Command&) const = default;
};

// Upper bound on admissible commands: go to (kMaxReceptacles - 1), open/close, take
// (kMaxObjects), put, one treatment, use, two examines, inventory, look.
constexpr int kMaxCommands = (kMaxReceptacles - 1) + 1 + kMaxObjects + 1 + 1 + 1 + 2 + 2;

using CommandList = std::array<Command, kMaxCommands>;

// Fills `out` with the admissible commands; returns their count.
int admissibleCommands(const World& w, CommandList& out);

// Appends the command's text, e.g. "take mug 1 from cabinet 2". With alfworldWords a put
// reads as ALFWorld writes it: "move mug 1 to cabinet 2".
void appendCommand(const World& w, const Command& c, std::string& out, bool alfworldWords = false);

// Applies an admissible command and appends the feedback it produces.
void execute(World& w, const Command& c, std::string& feedback);

}  // namespace gigpo::household
