// Canonical form of a typed command, so "  Go To  Cabinet 1." matches "go to cabinet 1":
// ASCII lower case, runs of white space collapsed to one space, no leading/trailing
// space, and trailing periods dropped.
#pragma once
#include <string>
#include <string_view>

namespace gigpo::text {

// Writes the canonical form of `in` into `out` (cleared first; its capacity is reused).
void normalizeCommand(std::string_view in, std::string& out);

}  // namespace gigpo::text
