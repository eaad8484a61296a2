// A batch's rows as JSONL lines (docs/FORMAT.md), trajectory form (one trajectory per line)
// or row form (one step per line), in batch order, each line followed by '\n'. The text is
// what JSON.stringify gives for the same step objects; the column layout is the StepBatch's
// (lib/io/columns.ts). Pointers are borrowed for the call; optional columns are null.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/json_text.hpp"

namespace gigpo::io {

// A ragged column: element i is data[offsets[i] .. offsets[i + 1]); `count` elements.
template <class T>
struct RaggedView {
  const uint32_t* offsets = nullptr;
  const T* data = nullptr;
  size_t count = 0;
  size_t dataLength = 0;
  bool present() const { return offsets != nullptr; }
};

struct JsonlColumns {
  size_t numRows = 0;
  const uint32_t* group = nullptr;
  const uint32_t* traj = nullptr;
  const uint32_t* step = nullptr;
  const int32_t* action = nullptr;
  const float* reward = nullptr;
  const uint8_t* valid = nullptr;
  const uint8_t* done = nullptr;
  const uint8_t* truncated = nullptr;
  const uint64_t* anchor = nullptr;
  const uint32_t* obs = nullptr;
  RaggedView<uint8_t> observations;
  // The JSON text of each group / trajectory id (index = the id); absent: the id as a number.
  RaggedView<uint8_t> groupIds;
  RaggedView<uint8_t> trajIds;
  RaggedView<uint8_t> actionText;
  RaggedView<uint8_t> prompt;
  RaggedView<uint8_t> response;
  RaggedView<int32_t> promptIds;
  RaggedView<int32_t> responseIds;
  RaggedView<float> logprobs;
  RaggedView<uint8_t> responseMask;
  RaggedView<float> tokenAdvantage;
  const uint64_t* stateAnchor = nullptr;
  const uint32_t* sourceRow = nullptr;
  const float* importanceWeight = nullptr;
  const uint32_t* policyVersion = nullptr;
  // Scored batches: all five or none.
  const float* returns = nullptr;
  const float* episodeAdvantage = nullptr;
  const float* stepAdvantage = nullptr;
  const float* advantage = nullptr;
  const uint32_t* stepGroup = nullptr;
};

enum class JsonlForm { Trajectory, Row };

struct EncodedJsonl {
  // Cleared by encodeJsonl; its capacity is kept when the caller reuses it.
  ByteOut bytes;
  // Byte offset of each trajectory's first line, plus the total length.
  std::vector<uint32_t> trajOffsets;
};

// Encodes rows [rowStart, rowEnd), whole trajectories. Every index and ragged offset used is
// checked against its table as it is read (RangeError naming the column and row); outputs of
// 4 GiB or more are a RangeError (offsets are 32-bit). A ragged column present has `count`
// numRows (its offsets numRows + 1 entries).
void encodeJsonl(const JsonlColumns& c, JsonlForm form, size_t rowStart, size_t rowEnd, EncodedJsonl& out);

}  // namespace gigpo::io
