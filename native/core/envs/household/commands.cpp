#include "core/envs/household/commands.hpp"

#include "core/envs/household/describe.hpp"

namespace gigpo::household {
namespace {

// The treatment an appliance gives to what the agent holds there, if any.
Verb treatmentAt(const World& w, int r) {
  if (r == w.sinkbasin) return Verb::kClean;
  if (r == w.microwave) return Verb::kHeat;
  if (r == w.fridge) return Verb::kCool;
  return Verb::kLook;
}

uint8_t propertyOf(Verb v) {
  switch (v) {
    case Verb::kClean:
      return kCleanable;
    case Verb::kHeat:
      return kHeatable;
    case Verb::kCool:
      return kCoolable;
    default:
      return 0;
  }
}

const char* verbWord(Verb v) {
  switch (v) {
    case Verb::kClean:
      return "clean";
    case Verb::kHeat:
      return "heat";
    case Verb::kCool:
      return "cool";
    default:
      return "";
  }
}

}  // namespace

int admissibleCommands(const World& w, CommandList& out, bool alfworld) {
  int n = 0;
  const int at = w.agentAt;
  for (int r = 0; r < w.numReceptacles; ++r)
    if (r != at) out[n++] = {Verb::kGoTo, kNowhere, static_cast<int8_t>(r)};
  if (at != kNowhere) {
    const int8_t here = static_cast<int8_t>(at);
    if (w.openable(at)) out[n++] = {w.receptacles[at].open ? Verb::kClose : Verb::kOpen, kNowhere, here};
    if (w.accessible(at) && w.held == kNowhere)
      for (int o = 0; o < w.numObjects; ++o)
        if (w.objects[o].location == at && (w.typeOf(w.objects[o]).properties & kPortable))
          out[n++] = {Verb::kTake, static_cast<int8_t>(o), here};
    if (w.held != kNowhere) {
      if (w.accessible(at)) out[n++] = {Verb::kPut, w.held, here};
      const Verb treat = treatmentAt(w, at);
      if (treat != Verb::kLook && (w.typeOf(w.objects[w.held]).properties & propertyOf(treat)))
        out[n++] = {treat, w.held, here};
      if (alfworld && (w.typeOf(w.objects[w.held]).properties & kSharp))
        for (int o = 0; o < w.numObjects; ++o)
          if (w.objects[o].location == at && (w.typeOf(w.objects[o]).properties & kSliceable))
            out[n++] = {Verb::kSlice, static_cast<int8_t>(o), here};
    }
    if (w.objects[w.desklamp].location == at) out[n++] = {Verb::kUse, w.desklamp, here};
    out[n++] = {Verb::kExamine, kNowhere, here};
  }
  if (w.held != kNowhere) out[n++] = {Verb::kExamine, w.held, kNowhere};
  out[n++] = {Verb::kInventory, kNowhere, kNowhere};
  out[n++] = {Verb::kLook, kNowhere, kNowhere};
  return n;
}

void appendCommand(const World& w, const Command& c, std::string& out, bool alfworldWords) {
  switch (c.verb) {
    case Verb::kGoTo:
      out += "go to ";
      appendReceptacleName(w, c.receptacle, out);
      break;
    case Verb::kOpen:
    case Verb::kClose:
      out += c.verb == Verb::kOpen ? "open " : "close ";
      appendReceptacleName(w, c.receptacle, out);
      break;
    case Verb::kTake:
      out += "take ";
      appendObjectName(w, c.object, out);
      out += " from ";
      appendReceptacleName(w, c.receptacle, out);
      break;
    case Verb::kPut:
      out += alfworldWords ? "move " : "put ";
      appendObjectName(w, c.object, out);
      out += ' ';
      out += alfworldWords ? std::string_view("to") : prepositionFor(w, c.receptacle);
      out += ' ';
      appendReceptacleName(w, c.receptacle, out);
      break;
    case Verb::kClean:
    case Verb::kHeat:
    case Verb::kCool:
      out += verbWord(c.verb);
      out += ' ';
      appendObjectName(w, c.object, out);
      out += " with ";
      appendReceptacleName(w, c.receptacle, out);
      break;
    case Verb::kUse:
      out += "use ";
      appendObjectName(w, c.object, out);
      break;
    case Verb::kSlice:
      out += "slice ";
      appendObjectName(w, c.object, out);
      out += " with ";
      appendObjectName(w, w.held, out);
      break;
    case Verb::kExamine:
      out += "examine ";
      if (c.object != kNowhere) {
        appendObjectName(w, c.object, out);
      } else {
        appendReceptacleName(w, c.receptacle, out);
      }
      break;
    case Verb::kInventory:
      out += "inventory";
      break;
    case Verb::kLook:
      out += "look";
      break;
  }
}

void execute(World& w, const Command& c, std::string& feedback, bool alfworldWords) {
  switch (c.verb) {
    case Verb::kGoTo:
      w.agentAt = c.receptacle;
      feedback += "You arrive at ";
      appendReceptacleName(w, c.receptacle, feedback);
      feedback += ". ";
      appendContents(w, c.receptacle, feedback);
      break;
    case Verb::kOpen:
      w.receptacles[c.receptacle].open = true;
      feedback += "You open the ";
      appendReceptacleName(w, c.receptacle, feedback);
      feedback += ". ";
      appendContents(w, c.receptacle, feedback);
      break;
    case Verb::kClose:
      w.receptacles[c.receptacle].open = false;
      feedback += "You close the ";
      appendReceptacleName(w, c.receptacle, feedback);
      feedback += '.';
      break;
    case Verb::kTake:
      w.objects[c.object].location = kHeld;
      w.held = c.object;
      feedback += "You pick up the ";
      appendObjectName(w, c.object, feedback);
      feedback += " from the ";
      appendReceptacleName(w, c.receptacle, feedback);
      feedback += '.';
      break;
    case Verb::kPut:
      w.objects[c.object].location = c.receptacle;
      w.held = kNowhere;
      feedback += alfworldWords ? "You move the " : "You put the ";
      appendObjectName(w, c.object, feedback);
      feedback += ' ';
      feedback += alfworldWords ? "to" : prepositionFor(w, c.receptacle);
      feedback += " the ";
      appendReceptacleName(w, c.receptacle, feedback);
      feedback += '.';
      break;
    case Verb::kClean:
    case Verb::kHeat:
    case Verb::kCool: {
      Object& o = w.objects[c.object];
      if (c.verb == Verb::kClean) o.clean = true;
      if (c.verb == Verb::kHeat) o.hot = true, o.cool = false;
      if (c.verb == Verb::kCool) o.cool = true, o.hot = false;
      feedback += "You ";
      feedback += verbWord(c.verb);
      feedback += " the ";
      appendObjectName(w, c.object, feedback);
      feedback += " using the ";
      appendReceptacleName(w, c.receptacle, feedback);
      feedback += '.';
      break;
    }
    case Verb::kUse:
      feedback += w.lampOn ? "The " : "You turn on the ";
      appendObjectName(w, c.object, feedback);
      feedback += w.lampOn ? " is already on." : ".";
      w.lampOn = true;
      break;
    case Verb::kSlice:
      w.objects[c.object].sliced = true;
      feedback += "You sliced the ";
      appendObjectName(w, c.object, feedback);
      feedback += " with the ";
      appendObjectName(w, w.held, feedback);
      feedback += '.';
      break;
    case Verb::kExamine:
      if (c.object != kNowhere) {
        appendExamineObject(w, c.object, feedback);
      } else {
        appendContents(w, c.receptacle, feedback);
      }
      break;
    case Verb::kInventory:
      appendInventory(w, feedback);
      break;
    case Verb::kLook:
      appendLook(w, feedback);
      break;
  }
}

void appendHelp(std::string& out) {
  // ALFWorld's forms and order; the explanations are this engine's.
  static constexpr std::string_view kForms[][2] = {
      {"look", "describe where you are and what you see"},
      {"inventory", "say what you are holding"},
      {"go to (receptacle)", "walk to a receptacle"},
      {"open (receptacle)", "open a receptacle"},
      {"close (receptacle)", "close a receptacle"},
      {"take (object) from (receptacle)", "pick an object up from a receptacle"},
      {"move (object) to (receptacle)", "put the object you hold in or on a receptacle"},
      {"examine (something)", "look closely at a receptacle or an object"},
      {"use (object)", "switch an object on"},
      {"heat (object) with (receptacle)", "heat an object with an appliance"},
      {"clean (object) with (receptacle)", "wash an object in a receptacle"},
      {"cool (object) with (receptacle)", "chill an object in a receptacle"},
      {"slice (object) with (object)", "cut an object with a sharp one"},
  };
  out += "\nCommands:\n";
  for (const auto& form : kForms) out.append("  ").append(form[0]).append(": ").append(form[1]).append("\n");
}

}  // namespace gigpo::household
