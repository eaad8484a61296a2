// UTF-8 to Unicode code points: similarity ratios count characters as Python does (one
// code point = one element), not bytes and not UTF-16 units.
#pragma once
#include <string_view>
#include <vector>

namespace gigpo::text {

// Replaces `out` with the code points of `bytes`. A malformed or truncated sequence
// becomes one U+FFFD per offending byte, so any input decodes to something.
void decodeUtf8(std::string_view bytes, std::vector<char32_t>& out);

}  // namespace gigpo::text
