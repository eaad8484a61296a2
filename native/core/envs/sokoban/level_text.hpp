// Parsing one level written in Boxoban symbols (# wall, space floor, @ player, $ box,
// . target, * box on target, + player on target) into a Grid, with the checks that make
// it playable: rectangular, at most kMaxSide x kMaxSide, one player, as many boxes as
// targets (at least one), enclosed (the player cannot walk to the grid's edge), and every
// box and target within the player's reach.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/envs/sokoban/grid.hpp"

namespace gigpo::sokoban {

struct LevelRow {
  std::string_view text;
  int line = 0;  // 1-based line in the source, 0 when there is no source file
};

// `where` names the level in error messages, e.g. "levels.txt: level 3"; the offending
// line is appended when known. Throws FormatError.
Grid parseLevel(const std::vector<LevelRow>& rows, const std::string& where);

// A whole level as one string, rows separated by '\n' (a trailing newline and '\r' are
// tolerated). Throws FormatError naming `where`.
Grid parseLevelText(std::string_view text, const std::string& where);

}  // namespace gigpo::sokoban
