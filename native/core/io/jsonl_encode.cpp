#include "core/io/jsonl_encode.hpp"

#include <string_view>

#include "core/errors.hpp"

namespace gigpo::io {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw RangeError(where + ": " + what);
}

// Row r's index into a table of `size` entries, checked.
uint32_t indexOf(const uint32_t* column, size_t r, size_t size, const char* name) {
  if (column[r] >= size)
    fail(std::string(name) + "[" + std::to_string(r) + "]",
         std::to_string(column[r]) + " is out of range (" + std::to_string(size) + " entries)");
  return column[r];
}

class Encoder {
 public:
  Encoder(const JsonlColumns& c, ByteOut& out)
      : c_(c), out_(out), obsStart_(c.observations.count, kUnset), obsEnd_(c.observations.count, 0) {}

  void line(JsonlForm form, size_t start, size_t end) {
    if (form == JsonlForm::Row) {
      for (size_t r = start; r < end; r++) {
        ids(r);
        out_.put(",\"step\":");
        putUint(out_, c_.step[r]);
        out_.put(',');
        fields(r);
        out_.put("}\n");
      }
      return;
    }
    ids(start);
    out_.put(",\"steps\":[");
    for (size_t r = start; r < end; r++) {
      out_.put(r == start ? std::string_view("{") : std::string_view(",{"));
      if (c_.sourceRow != nullptr) {  // training batches may skip or repeat steps
        out_.put("\"step\":");
        putUint(out_, c_.step[r]);
        out_.put(',');
      }
      fields(r);
      out_.put('}');
    }
    out_.put("]}\n");
  }

 private:
  static constexpr size_t kUnset = ~size_t{0};

  void id(const RaggedView<uint8_t>& table, const uint32_t* column, size_t r, const char* name) {
    if (!table.present()) return putUint(out_, column[r]);
    auto [p, n] = element(table, indexOf(column, r, table.count, name), name);
    out_.put(std::string_view(reinterpret_cast<const char*>(p), n));
  }

  void ids(size_t r) {
    out_.put("{\"group\":");
    id(c_.groupIds, c_.group, r, "group");
    out_.put(",\"traj\":");
    id(c_.trajIds, c_.traj, r, "traj");
  }

  // Element i of a ragged column, its offsets checked.
  template <class T>
  static std::pair<const T*, size_t> element(const RaggedView<T>& v, size_t i, const char* name) {
    const uint32_t a = v.offsets[i], b = v.offsets[i + 1];
    if (a > b || b > v.dataLength)
      fail(std::string(name) + ".offsets[" + std::to_string(i) + "]",
           "element " + std::to_string(i) + " spans [" + std::to_string(a) + ", " + std::to_string(b) + ") of " +
               std::to_string(v.dataLength) + " data elements");
    return {v.data + a, b - a};
  }

  void text(const char* key, const RaggedView<uint8_t>& v, size_t r, const char* name) {
    if (!v.present()) return;
    out_.put(key);
    auto [p, n] = element(v, r, name);
    putJsonString(out_, p, n);
  }

  template <class T>
  void list(const char* key, const RaggedView<T>& v, size_t r, const char* name) {
    if (!v.present()) return;
    out_.put(key);
    out_.put('[');
    auto [p, n] = element(v, r, name);
    for (size_t i = 0; i < n; i++) {
      if (i > 0) out_.put(',');
      if constexpr (std::is_same_v<T, float>)
        putFloat32(out_, p[i]);
      else
        putInt(out_, p[i]);
    }
    out_.put(']');
  }

  void number(const char* key, float x) {
    out_.put(key);
    putFloat32(out_, x);
  }

  void flag(const char* key, uint8_t x) {
    out_.put(key);
    out_.put(x == 1 ? std::string_view("true") : std::string_view("false"));
  }

  // The observation's JSON literal, escaped once per distinct observation (they repeat).
  void observation(size_t r) {
    const uint32_t o = indexOf(c_.obs, r, c_.observations.count, "obs");
    if (obsStart_[o] == kUnset) {
      obsStart_[o] = cache_.size();
      auto [p, n] = element(c_.observations, o, "observations");
      putJsonString(cache_, p, n);
      obsEnd_[o] = cache_.size();
    }
    out_.put(std::string_view(cache_.data() + obsStart_[o], obsEnd_[o] - obsStart_[o]));
  }

  void fields(size_t r) {
    out_.put("\"obs\":");
    observation(r);
    out_.put(",\"anchor\":\"");
    putHex64(out_, c_.anchor[r]);
    out_.put("\",\"action\":");
    if (c_.actionText.present() && c_.actionText.offsets[r + 1] > c_.actionText.offsets[r]) {
      auto [p, n] = element(c_.actionText, r, "actionText");
      putJsonString(out_, p, n);
    } else {
      putInt(out_, c_.action[r]);
    }
    number(",\"reward\":", c_.reward[r]);
    flag(",\"valid\":", c_.valid[r]);
    flag(",\"done\":", c_.done[r]);
    flag(",\"truncated\":", c_.truncated[r]);
    text(",\"prompt\":", c_.prompt, r, "prompt");
    text(",\"response\":", c_.response, r, "response");
    list(",\"prompt_ids\":", c_.promptIds, r, "promptIds");
    list(",\"response_ids\":", c_.responseIds, r, "responseIds");
    list(",\"logprobs\":", c_.logprobs, r, "logprobs");
    list(",\"response_mask\":", c_.responseMask, r, "responseMask");
    if (c_.stateAnchor != nullptr) {
      out_.put(",\"state_anchor\":\"");
      putHex64(out_, c_.stateAnchor[r]);
      out_.put('"');
    }
    list(",\"token_advantage\":", c_.tokenAdvantage, r, "tokenAdvantage");
    if (c_.sourceRow != nullptr) {
      out_.put(",\"source_row\":");
      putUint(out_, c_.sourceRow[r]);
    }
    if (c_.importanceWeight != nullptr) number(",\"importance_weight\":", c_.importanceWeight[r]);
    if (c_.policyVersion != nullptr) {
      out_.put(",\"policy_version\":");
      putUint(out_, c_.policyVersion[r]);
    }
    if (c_.returns != nullptr) {
      number(",\"return\":", c_.returns[r]);
      number(",\"episode_advantage\":", c_.episodeAdvantage[r]);
      number(",\"step_advantage\":", c_.stepAdvantage[r]);
      number(",\"advantage\":", c_.advantage[r]);
      out_.put(",\"step_group\":");
      putUint(out_, c_.stepGroup[r]);
    }
  }

  const JsonlColumns& c_;
  ByteOut& out_;
  ByteOut cache_;
  std::vector<size_t> obsStart_;
  std::vector<size_t> obsEnd_;
};

}  // namespace

namespace {

// A guess at the size of rows [rowStart, rowEnd) encoded, so that the output is allocated once
// (a low guess costs one regrowth, a high one unused address space). Reads only in bounds: the
// encoder checks every index and offset as it writes.
size_t guessBytes(const JsonlColumns& c, size_t rowStart, size_t rowEnd) {
  size_t bytes = (rowEnd - rowStart) * 224;  // the fixed fields and the scores of a step
  if (c.obs != nullptr && c.observations.present())
    for (size_t r = rowStart; r < rowEnd; r++) {
      const uint32_t o = c.obs[r];
      if (o < c.observations.count && c.observations.offsets[o + 1] >= c.observations.offsets[o])
        bytes += c.observations.offsets[o + 1] - c.observations.offsets[o] + 8;  // a few escapes
    }
  const auto span = [&](const auto& v, size_t perElement) {
    if (v.present() && v.count >= rowEnd && v.offsets[rowEnd] >= v.offsets[rowStart])
      bytes += size_t{v.offsets[rowEnd] - v.offsets[rowStart]} * perElement;
  };
  span(c.actionText, 1);
  span(c.prompt, 1);
  span(c.response, 1);
  span(c.promptIds, 7);
  span(c.responseIds, 7);
  span(c.logprobs, 12);
  span(c.tokenAdvantage, 12);
  span(c.responseMask, 2);
  return std::min(bytes, size_t{1} << 30);
}

}  // namespace

void encodeJsonl(const JsonlColumns& c, JsonlForm form, size_t rowStart, size_t rowEnd, EncodedJsonl& out) {
  const size_t n = c.numRows;
  if (rowStart > rowEnd || rowEnd > n)
    fail("rows", "[" + std::to_string(rowStart) + ", " + std::to_string(rowEnd) + ") is not a range of the " +
                     std::to_string(n) + " rows");
  if ((rowStart > 0 && rowStart < n && c.traj[rowStart] == c.traj[rowStart - 1]) ||
      (rowEnd > 0 && rowEnd < n && c.traj[rowEnd] == c.traj[rowEnd - 1]))
    fail("rows", "[" + std::to_string(rowStart) + ", " + std::to_string(rowEnd) + ") cuts a trajectory");
  const auto perRow = [n](const auto& v, const char* name) {
    if (v.present() && v.count != n)
      fail(name, "expected " + std::to_string(n) + " elements, got " + std::to_string(v.count));
  };
  perRow(c.actionText, "actionText");
  perRow(c.prompt, "prompt");
  perRow(c.response, "response");
  perRow(c.responseMask, "responseMask");
  perRow(c.promptIds, "promptIds");
  perRow(c.responseIds, "responseIds");
  perRow(c.logprobs, "logprobs");
  perRow(c.tokenAdvantage, "tokenAdvantage");

  out.bytes.clear();
  out.bytes.reserveTotal(guessBytes(c, rowStart, rowEnd));
  Encoder encoder(c, out.bytes);
  out.trajOffsets.clear();
  size_t start = rowStart;
  for (size_t r = rowStart + 1; r <= rowEnd; r++) {
    if (r < rowEnd && c.traj[r] == c.traj[r - 1]) continue;
    out.trajOffsets.push_back(static_cast<uint32_t>(out.bytes.size()));
    encoder.line(form, start, r);
    if (out.bytes.size() > UINT32_MAX) fail("jsonl", "the encoded rows exceed 4 GiB; encode fewer rows at a time");
    start = r;
  }
  out.trajOffsets.push_back(static_cast<uint32_t>(out.bytes.size()));
}

}  // namespace gigpo::io
