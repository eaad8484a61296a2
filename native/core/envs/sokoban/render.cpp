#include "core/envs/sokoban/render.hpp"

#include <cstring>

namespace gigpo::sokoban {
namespace {

// Indexed by the cell flags (wall | target | box, 0..7); the player is patched in after.
constexpr char kBoxobanCell[8] = {' ', '#', '.', '#', '$', '#', '*', '#'};

struct Glyph {
  char bytes[3];
  uint8_t length;
};
constexpr Glyph kRagenCell[8] = {
    {{'_'}, 1}, {{'#'}, 1}, {{'O'}, 1}, {{'#'}, 1}, {{'X'}, 1}, {{'#'}, 1}, {{'\xE2', '\x88', '\x9A'}, 3}, {{'#'}, 1}};

}  // namespace

size_t maxRenderBytes(int width, int height, Symbols symbols) {
  const size_t perCell = symbols == Symbols::Ragen ? 3 : symbols == Symbols::Tabbed ? 6 : 1;
  return static_cast<size_t>(height) * (static_cast<size_t>(width) * perCell + 1);
}

size_t render(const Grid& g, Symbols symbols, char* out) {
  const int w = g.width, h = g.height;
  char* p = out;
  if (symbols == Symbols::Boxoban) {
    for (int r = 0; r < h; ++r) {
      const uint8_t* row = g.cells.data() + r * w;
      for (int c = 0; c < w; ++c) p[c] = kBoxobanCell[row[c] & 7];
      if (g.player / w == r) p[g.player % w] = (row[g.player % w] & kTarget) ? '+' : '@';
      p += w;
      if (r + 1 < h) *p++ = '\n';
    }
    return static_cast<size_t>(p - out);
  }
  const bool tabbed = symbols == Symbols::Tabbed;
  for (int r = 0; r < h; ++r) {
    const uint8_t* row = g.cells.data() + r * w;
    for (int c = 0; c < w; ++c) {
      if (tabbed) *p++ = ' ';
      if (r * w + c == g.player) {
        *p++ = (row[c] & kTarget) ? 'S' : 'P';
      } else {
        const Glyph& gl = kRagenCell[row[c] & 7];
        std::memcpy(p, gl.bytes, gl.length);
        p += gl.length;
      }
      if (tabbed) {
        *p++ = ' ';
        *p++ = '\t';
      }
    }
    if (r + 1 < h) *p++ = '\n';
  }
  return static_cast<size_t>(p - out);
}

}  // namespace gigpo::sokoban
