// Text rendering of a grid: rows joined by '\n', no trailing newline, in one of two
// symbol sets. Boxoban symbols are also the canonical form (the anchor key and the level
// file format); RAGEN symbols are what RAGEN-style prompts show an LLM.
//
//                 wall floor target box box+target player player+target
//   boxoban        #   ' '    .      $     *         @       +
//   ragen          #    _     O      X     √         P       S      (√ is 3 bytes of UTF-8)
//   tabbed         the ragen symbols, each cell written as " c \t" (verl-agent's text form)
#pragma once
#include <cstddef>

#include "core/envs/sokoban/grid.hpp"

namespace gigpo::sokoban {

enum class Symbols { Boxoban, Ragen, Tabbed };

// Upper bound on render() output for a width x height grid.
size_t maxRenderBytes(int width, int height, Symbols symbols);

// Writes g's text to out (at least maxRenderBytes bytes) and returns its length.
size_t render(const Grid& g, Symbols symbols, char* out);

}  // namespace gigpo::sokoban
