// Pulling the action out of an LLM response: the text inside the LAST
// <action>...</action> pair (tags matched case-insensitively), trimmed. Optionally the
// response must also hold a complete <think>...</think> block before that action.
#pragma once
#include <optional>
#include <string_view>

namespace gigpo::text {

std::string_view trim(std::string_view s);
bool equalsIgnoreCase(std::string_view a, std::string_view b);
// Position of `needle` in `hay` at or after `from`, ignoring ASCII case; npos if absent.
size_t findIgnoreCase(std::string_view hay, std::string_view needle, size_t from = 0);
size_t rfindIgnoreCase(std::string_view hay, std::string_view needle);

// The trimmed inner text of the last <action>...</action>, or nullopt when there is none
// (or, with requireThink, when no <think>...</think> block precedes it).
std::optional<std::string_view> extractAction(std::string_view response, bool requireThink);

}  // namespace gigpo::text
