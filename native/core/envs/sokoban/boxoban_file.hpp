// Boxoban level files: each level is a "; N" header line followed by its rows, levels
// separated by blank lines (github.com/deepmind/boxoban-levels). Levels are numbered by
// their order in the file, from 0; the N in the header is not interpreted.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/envs/sokoban/grid.hpp"

namespace gigpo::sokoban {

// Parses file text; `name` prefixes error messages ("levels.txt: level 3 (line 41): 2 players").
// Throws FormatError.
std::vector<Grid> parseBoxobanText(std::string_view text, const std::string& name);

// The largest level file read (a Boxoban file of 1,000 levels is about 120 KB), so that a
// device such as /dev/zero or a wrong path to a huge file fails fast instead of filling memory.
constexpr size_t kMaxLevelFileBytes = size_t{64} << 20;

// Reads and parses the file at `path`. A file that cannot be read, or is larger than
// kMaxLevelFileBytes, throws RangeError "<argName>: cannot read '<path>': <reason>"; a
// malformed one throws FormatError.
std::vector<Grid> readBoxobanFile(const std::string& path, const std::string& argName);

}  // namespace gigpo::sokoban
