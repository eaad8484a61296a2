// thefuzz's token_set_ratio (version 0.19, the one WebShop pins, on its difflib backend):
// the similarity in 0..100 of two strings compared as sets of words, which WebShop's reward
// uses to match attributes and options ("score > 85").
//   1. Each string is processed: characters U+0080..U+00FF are dropped, every other
//      character that is not a letter, digit or '_' becomes a space, ASCII letters are
//      lower-cased, and the ends are trimmed. An empty result scores 0.
//   2. The words (split at runs of spaces) of each become a set; with I the sorted
//      intersection joined by spaces, and D1, D2 the sorted differences, the candidates
//      are I vs "I D1", I vs "I D2" and "I D1" vs "I D2" (each trimmed).
//   3. Each pair scores round(100 * difflib ratio) (half to even, as Python's round), 100
//      for equal strings and 0 when one is empty; the result is the best of the three.
// Characters beyond U+00FF count as letters (the shop's texts are ASCII).
#pragma once
#include <string>
#include <string_view>

namespace gigpo::text {

int tokenSetRatio(std::string_view a, std::string_view b);

// Step 1 alone (exposed for tests): the processed form of `s`.
std::string fuzzProcess(std::string_view s);

}  // namespace gigpo::text
