#include "core/text/token_set_ratio.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/text/sequence_ratio.hpp"
#include "core/text/utf8.hpp"

namespace gigpo::text {
namespace {

bool wordChar(char32_t c) {
  if (c < 128) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return true;  // U+0080..U+00FF are dropped before this is asked
}

void appendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::vector<std::string> wordSet(std::string_view processed) {
  std::vector<std::string> words;
  size_t at = 0;
  while (at < processed.size()) {
    while (at < processed.size() && processed[at] == ' ') ++at;
    const size_t end = std::min(processed.find(' ', at), processed.size());
    if (end > at) words.emplace_back(processed.substr(at, end - at));
    at = end;
  }
  // Sorted byte-wise, which for UTF-8 is code point order, as Python sorts strings.
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// thefuzz's ratio: equal strings 100, an empty one 0, else round(100 * difflib ratio).
int ratio(const std::string& a, const std::string& b) {
  if (a == b) return 100;
  if (a.empty() || b.empty()) return 0;
  return static_cast<int>(std::nearbyint(100.0 * sequenceRatioUtf8(a, b)));
}

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  size_t lead = 0;
  while (lead < s.size() && s[lead] == ' ') ++lead;
  return s.substr(lead);
}

}  // namespace

std::string fuzzProcess(std::string_view s) {
  std::vector<char32_t> chars;
  decodeUtf8(s, chars);
  std::string out;
  out.reserve(s.size());
  for (char32_t c : chars) {
    if (c >= 0x80 && c <= 0xFF) continue;
    if (!wordChar(c)) {
      out += ' ';
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      appendUtf8(c, out);
    }
  }
  return trimmed(std::move(out));
}

int tokenSetRatio(std::string_view a, std::string_view b) {
  const std::string p1 = fuzzProcess(a), p2 = fuzzProcess(b);
  if (p1.empty() || p2.empty()) return 0;
  const std::vector<std::string> w1 = wordSet(p1), w2 = wordSet(p2);
  std::vector<std::string> both, only1, only2;
  std::set_intersection(w1.begin(), w1.end(), w2.begin(), w2.end(), std::back_inserter(both));
  std::set_difference(w1.begin(), w1.end(), w2.begin(), w2.end(), std::back_inserter(only1));
  std::set_difference(w2.begin(), w2.end(), w1.begin(), w1.end(), std::back_inserter(only2));
  const std::string sect = joined(both);
  const std::string with1 = trimmed(sect + ' ' + joined(only1));
  const std::string with2 = trimmed(sect + ' ' + joined(only2));
  return std::max({ratio(sect, with1), ratio(sect, with2), ratio(with1, with2)});
}

}  // namespace gigpo::text
