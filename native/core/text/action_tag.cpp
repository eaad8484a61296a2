#include "core/text/action_tag.hpp"

#include <string>

namespace gigpo::text {
namespace {

inline char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline bool matchAt(std::string_view hay, size_t at, std::string_view needle) {
  if (at + needle.size() > hay.size()) return false;
  for (size_t k = 0; k < needle.size(); ++k)
    if (lower(hay[at + k]) != lower(needle[k])) return false;
  return true;
}

}  // namespace

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && isSpace(s[b])) ++b;
  while (e > b && isSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && matchAt(a, 0, b);
}

size_t findIgnoreCase(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i)
    if (matchAt(hay, i, needle)) return i;
  return std::string_view::npos;
}

size_t rfindIgnoreCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t i = hay.size() - needle.size() + 1; i-- > 0;)
    if (matchAt(hay, i, needle)) return i;
  return std::string_view::npos;
}

std::optional<std::string_view> extractAction(std::string_view response, bool requireThink) {
  static constexpr std::string_view kOpen = "<action>", kClose = "</action>";
  size_t close = rfindIgnoreCase(response, kClose);
  if (close == std::string_view::npos) return std::nullopt;
  size_t open = rfindIgnoreCase(response.substr(0, close), kOpen);
  if (open == std::string_view::npos) return std::nullopt;
  if (requireThink) {
    std::string_view before = response.substr(0, open);
    size_t thinkOpen = findIgnoreCase(before, "<think>");
    if (thinkOpen == std::string_view::npos) return std::nullopt;
    if (findIgnoreCase(before, "</think>", thinkOpen) == std::string_view::npos) return std::nullopt;
  }
  size_t inner = open + kOpen.size();
  return trim(response.substr(inner, close - inner));
}

std::optional<std::string_view> firstActionText(std::string_view response) {
  static constexpr std::string_view kOpen = "<action>", kClose = "</action>";
  const size_t open = findIgnoreCase(response, kOpen);
  const size_t close = findIgnoreCase(response, kClose);
  if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
  const size_t inner = open + kOpen.size();
  if (close < inner) return std::string_view();
  return trim(response.substr(inner, close - inner));
}

bool hasThinkTags(std::string_view response) {
  return response.find("<think>") != std::string_view::npos && response.find("</think>") != std::string_view::npos;
}

bool hasCjkIdeograph(std::string_view s) {
  // U+4E00..U+9FFF is E4 B8 80 .. E9 BF BF in UTF-8: lead byte E4..E9 (E4 needs a second
  // byte >= B8).
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(s[i]), b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 >= 0xE5 && b0 <= 0xE9 && (b1 & 0xC0) == 0x80) return true;
    if (b0 == 0xE4 && b1 >= 0xB8 && b1 <= 0xBF) return true;
  }
  return false;
}

}  // namespace gigpo::text
