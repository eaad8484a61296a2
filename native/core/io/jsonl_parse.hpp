// A fast path for reading trajectory-form JSONL lines (docs/FORMAT.md) straight into columns:
// the contract of native.parseJsonlTrajectories (lib/native.ts). Lines are parsed in order;
// a blank line (only space, tab, CR) is consumed, an accepted trajectory line is appended,
// and the first other line stops the parse: it and the rest are left to the TypeScript path,
// which stays the authority for every error and every unusual input. Whatever this parser is
// not sure of (see jsonl_parse.cpp) it rejects, so an accepted line always gives exactly what
// the TypeScript path gives for it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/io/json_text.hpp"
#include "core/io/text_intern.hpp"

namespace gigpo::io {

// Ragged text: element i is data[offsets[i] .. offsets[i + 1]).
struct TextColumn {
  std::vector<uint32_t> offsets{0};
  ByteOut data;
  void clear() {
    offsets.assign(1, 0);
    data.clear();
  }
};

// Ragged numbers: element i is data[offsets[i] .. offsets[i + 1]).
template <class T>
struct ListColumn {
  std::vector<uint32_t> offsets{0};
  std::vector<T> data;
  void clear() {
    offsets.assign(1, 0);
    data.clear();
  }
};

// What one call gives (reused across calls: parseJsonlTrajectories clears it first).
struct JsonlPiece {
  // Index just past the last consumed line (past its '\n' if it had one), and the count of
  // consumed lines (blank and accepted).
  size_t end = 0;
  size_t lines = 0;

  // Per trajectory.
  std::vector<uint32_t> trajLine;       // index of its line among this call's lines
  std::vector<uint32_t> trajStarts{0};  // first row of each, plus numRows at the end
  std::vector<uint8_t> groupKind;       // 0 number (groupNum), 1 string (groupText)
  std::vector<double> groupNum;         // 0 for a string id
  TextColumn groupText;                 // '' for a numeric id
  std::vector<uint8_t> trajKind;
  std::vector<double> trajNum;
  TextColumn trajText;

  // Per row.
  std::vector<int32_t> action;  // -1 where the action is text or absent
  std::vector<float> reward;
  std::vector<uint8_t> valid;
  std::vector<uint8_t> done;  // after the done rule
  std::vector<uint8_t> truncated;
  std::vector<uint64_t> anchor;
  std::vector<uint32_t> obs;          // index into observations
  TextIntern observations;            // distinct obs texts by first appearance, with their hash64
  std::vector<uint64_t> stateAnchor;  // 0 where absent
  std::vector<uint8_t> stateAnchorPresent;
  std::vector<uint32_t> policyVersion;  // 0 where absent
  std::vector<uint8_t> policyVersionPresent;
  TextColumn actionText;  // '' where the action is not text
  TextColumn prompt;
  TextColumn response;
  ListColumn<int32_t> promptIds;
  ListColumn<int32_t> responseIds;
  ListColumn<float> logprobs;
  ListColumn<uint8_t> responseMask;  // 0 and 1, one per prompt then response token
  // Whether some row gave the field (the optional columns are output only then).
  bool hasActionText = false;
  bool hasStateAnchor = false;
  bool hasPrompt = false;
  bool hasResponse = false;
  bool hasPromptIds = false;
  bool hasResponseIds = false;
  bool hasLogprobs = false;
  bool hasResponseMask = false;
  bool hasPolicyVersion = false;

  size_t numTraj() const { return trajLine.size(); }
  size_t numRows() const { return reward.size(); }
  void clear();
};

// Parses the whole lines in data[start, end) into `piece` (cleared first). Never throws on
// any input (std::bad_alloc aside).
void parseJsonlTrajectories(const uint8_t* data, size_t start, size_t end, JsonlPiece& piece);

}  // namespace gigpo::io
