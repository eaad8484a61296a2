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

// The reference (verl-agent) rule: the text between the FIRST "<action>" and the first
// "</action>" (tags matched ignoring case), trimmed; "" when the close comes first;
// nullopt when either tag is missing. Callers match words in it ignoring case.
std::optional<std::string_view> firstActionText(std::string_view response);
// Whether "<think>" and "</think>" both occur (case-sensitive, in any order): the
// reference's check.
bool hasThinkTags(std::string_view response);
// Whether the text holds a CJK unified ideograph (U+4E00..U+9FFF), which the reference's
// text envs flag invalid.
bool hasCjkIdeograph(std::string_view response);

}  // namespace gigpo::text
