#include "core/text/normalize.hpp"

namespace gigpo::text {

void normalizeCommand(std::string_view in, std::string& out) {
  out.clear();
  bool pendingSpace = false;
  for (char c : in) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (space) {
      pendingSpace = !out.empty();
      continue;
    }
    if (pendingSpace) out.push_back(' ');
    pendingSpace = false;
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
}

}  // namespace gigpo::text
