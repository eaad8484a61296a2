#include "core/envs/sokoban/level_text.hpp"

#include <array>
#include <cstdio>

#include "core/errors.hpp"

namespace gigpo::sokoban {
namespace {

std::string at(const std::string& where, int line) {
  return line > 0 ? where + " (line " + std::to_string(line) + ")" : where;
}

std::string describeByte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", u);
  return buf;
}

// The cells the player's walk can ever cover: a flood fill over non-wall cells (boxes
// move, so they do not block it). Returns the first edge cell reached, or -1.
int playerRegion(const Grid& g, std::array<uint8_t, kMaxCells>& seen) {
  std::array<uint16_t, kMaxCells> stack;
  int top = 0;
  seen.fill(0);
  stack[top++] = g.player;
  seen[g.player] = 1;
  while (top > 0) {
    const int cell = stack[--top];
    const int r = cell / g.width, c = cell % g.width;
    if (r == 0 || c == 0 || r == g.height - 1 || c == g.width - 1) return cell;
    for (int d = 0; d < kNumDirections; ++d) {
      const int n = cell + g.offset(d);
      if (!seen[n] && !(g.cells[n] & kWall)) {
        seen[n] = 1;
        stack[top++] = static_cast<uint16_t>(n);
      }
    }
  }
  return -1;
}

}  // namespace

Grid parseLevel(const std::vector<LevelRow>& rows, const std::string& where) {
  if (rows.empty()) throw FormatError(where + ": empty level");
  const int firstLine = rows.front().line;
  const size_t width = rows.front().text.size();
  if (width == 0) throw FormatError(at(where, firstLine) + ": empty row");
  if (width > kMaxSide || rows.size() > kMaxSide)
    throw FormatError(at(where, firstLine) + ": level is " + std::to_string(width) + "x" + std::to_string(rows.size()) +
                      ", larger than the " + std::to_string(kMaxSide) + "x" + std::to_string(kMaxSide) + " limit");
  Grid g;
  g.width = static_cast<uint8_t>(width);
  g.height = static_cast<uint8_t>(rows.size());
  int players = 0, targets = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const LevelRow& row = rows[r];
    if (row.text.size() != width)
      throw FormatError(at(where, row.line) + ": row " + std::to_string(r) + " has " + std::to_string(row.text.size()) +
                        " characters, expected " + std::to_string(width) + " (levels must be rectangular)");
    for (size_t c = 0; c < width; ++c) {
      const int cell = static_cast<int>(r * width + c);
      uint8_t flags = kFloor;
      switch (row.text[c]) {
        case '#':
          flags = kWall;
          break;
        case ' ':
          break;
        case '.':
          flags = kTarget;
          break;
        case '$':
          flags = kBox;
          break;
        case '*':
          flags = kBox | kTarget;
          break;
        case '@':
          ++players;
          g.player = static_cast<uint16_t>(cell);
          break;
        case '+':
          ++players;
          g.player = static_cast<uint16_t>(cell);
          flags = kTarget;
          break;
        default:
          throw FormatError(at(where, row.line) + ": unexpected character " + describeByte(row.text[c]) +
                            " at column " + std::to_string(c) + " (expected one of # @ $ . * + and space)");
      }
      if (flags & kTarget) ++targets;
      g.cells[cell] = flags;
    }
  }
  recount(g);
  if (players != 1)
    throw FormatError(at(where, firstLine) + ": " +
                      (players == 0 ? std::string("no player") : std::to_string(players) + " players"));
  if (g.numBoxes == 0) throw FormatError(at(where, firstLine) + ": no boxes");
  if (g.numBoxes != targets)
    throw FormatError(at(where, firstLine) + ": " + std::to_string(g.numBoxes) + " boxes but " +
                      std::to_string(targets) + " targets");
  std::array<uint8_t, kMaxCells> region;
  const int edge = playerRegion(g, region);
  auto place = [&](int cell) {
    return "row " + std::to_string(cell / g.width) + ", column " + std::to_string(cell % g.width);
  };
  if (edge >= 0)
    throw FormatError(at(where, firstLine) + ": the player can walk to the grid's edge at " + place(edge) +
                      " (a level must be enclosed by walls)");
  // Everything that matters lies inside the walls, so no move or check leaves the grid.
  for (int i = 0; i < g.size(); ++i)
    if ((g.cells[i] & (kBox | kTarget)) && !region[i])
      throw FormatError(at(where, firstLine) + ": the " + ((g.cells[i] & kBox) ? "box" : "target") + " at " + place(i) +
                        " is outside the player's reach");
  return g;
}

Grid parseLevelText(std::string_view text, const std::string& where) {
  std::vector<LevelRow> rows;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    rows.push_back({line, 0});
    start = end + 1;
  }
  return parseLevel(rows, where);
}

}  // namespace gigpo::sokoban
