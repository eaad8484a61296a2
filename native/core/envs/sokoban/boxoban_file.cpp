#include "core/envs/sokoban/boxoban_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/envs/sokoban/level_text.hpp"
#include "core/errors.hpp"

namespace gigpo::sokoban {

std::vector<Grid> parseBoxobanText(std::string_view text, const std::string& name) {
  std::vector<Grid> levels;
  std::vector<LevelRow> rows;
  bool inLevel = false;
  auto finish = [&] {
    if (!inLevel) return;
    levels.push_back(parseLevel(rows, name + ": level " + std::to_string(levels.size())));
    rows.clear();
    inLevel = false;
  };
  size_t start = 0;
  int lineNo = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == ';') {
      finish();
      inLevel = true;
    } else if (line.empty()) {
      finish();
    } else if (inLevel) {
      rows.push_back({line, lineNo});
    } else {
      throw FormatError(name + ": line " + std::to_string(lineNo) + ": expected a '; N' level header before this row");
    }
  }
  finish();
  if (levels.empty()) throw FormatError(name + ": no levels found (expected '; N' headers followed by rows)");
  return levels;
}

std::vector<Grid> readBoxobanFile(const std::string& path, const std::string& argName) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw RangeError(argName + ": cannot read '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RangeError(argName + ": cannot read '" + path + "': " + std::strerror(errno));
  // Read in blocks up to one byte past the limit (devices and pipes report no size).
  std::string text;
  constexpr size_t kBlock = size_t{1} << 16;
  while (in && text.size() <= kMaxLevelFileBytes) {
    const size_t at = text.size();
    text.resize(at + kBlock);
    in.read(text.data() + at, kBlock);
    text.resize(at + static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw RangeError(argName + ": cannot read '" + path + "': read error");
  if (text.size() > kMaxLevelFileBytes)
    throw RangeError(argName + ": cannot read '" + path + "': larger than the " +
                     std::to_string(kMaxLevelFileBytes >> 20) + " MiB limit for a level file");
  return parseBoxobanText(text, path);
}

}  // namespace gigpo::sokoban
