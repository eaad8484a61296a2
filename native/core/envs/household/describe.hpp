// The words of the household: names ("cabinet 2", "mug 1") and the feedback sentences an
// action produces, in the style of text household games ("You arrive at countertop 1. On
// the countertop 1, you see a apple 1, and a mug 2.").
#pragma once
#include <string>

#include "core/envs/household/world.hpp"

namespace gigpo::household {

void appendReceptacleName(const World& w, int r, std::string& out);
void appendObjectName(const World& w, int o, std::string& out);
// "in" or "on", as the receptacle takes objects.
const char* prepositionFor(const World& w, int r);

// What one sees at receptacle r: "The cabinet 1 is closed." / "The cabinet 1 is open. In
// it, you see nothing." / "On the countertop 1, you see a apple 1, and a mug 2."
void appendContents(const World& w, int r, std::string& out);
// The agent's surroundings: in the middle of the room (every receptacle) or at one.
void appendLook(const World& w, std::string& out);
void appendInventory(const World& w, std::string& out);
void appendExamineObject(const World& w, int o, std::string& out);

}  // namespace gigpo::household
