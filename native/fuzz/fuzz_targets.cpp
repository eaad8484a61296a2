// libFuzzer targets over the core's text inputs, one binary, the target chosen by the
// GIGPO_FUZZ_TARGET environment variable (native/test/run.sh runs each for a bounded time):
//   parse-<env>   the action parser of every registered env (LLM text -> action id)
//   boxoban       the Boxoban level-file parser
//   ratio         the difflib sequence ratio (input split at its first NUL byte)
//   token-set     thefuzz's token_set_ratio (input split the same way)
//   json-text     the JSONL encoder's JSON string and float32 writers (any bytes; the first
//                 four also as a float's bits)
//   jsonl-parse   the JSONL trajectory parser (any bytes: the consumed lines end on a line
//                 boundary, every column is consistent, the rest of the range starts with a
//                 rejected line, and the consumed part alone parses to the same piece)
// Each checks what must hold for any input, so a wrong answer aborts like a crash does.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/envs/sokoban/boxoban_file.hpp"
#include "core/errors.hpp"
#include "core/hash.hpp"
#include "core/io/json_text.hpp"
#include "core/io/jsonl_parse.hpp"
#include "core/registry.hpp"
#include "core/text/sequence_ratio.hpp"
#include "core/text/token_set_ratio.hpp"
#include "native/test/batch_outputs.hpp"

using namespace gigpo;

namespace {

std::string target;
std::unique_ptr<testing::TestBatch> batch;

void fail(const char* what) {
  std::fprintf(stderr, "fuzz target %s: %s\n", target.c_str(), what);
  std::abort();
}

// Ragged offsets: `count` + 1 entries from 0, non-decreasing, ending at `length`.
void checkOffsets(const std::vector<uint32_t>& offsets, size_t count, size_t length, const char* what) {
  if (offsets.size() != count + 1 || offsets[0] != 0 || offsets.back() != length) fail(what);
  for (size_t i = 0; i < count; i++)
    if (offsets[i] > offsets[i + 1]) fail(what);
}

bool validUtf8(const char* s, size_t n) {
  const auto* p = reinterpret_cast<const uint8_t*>(s);
  for (size_t i = 0; i < n;) {
    const uint8_t c = p[i];
    size_t len = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < len; k++) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

void checkJsonlParse(const uint8_t* data, size_t size) {
  io::JsonlPiece p;
  io::parseJsonlTrajectories(data, 0, size, p);
  if (p.end > size) fail("end past the range");
  if (p.end > 0 && p.end < size && data[p.end - 1] != '\n') fail("end not on a line boundary");
  size_t breaks = 0;
  for (size_t i = 0; i < p.end; i++) breaks += data[i] == '\n';
  if (p.lines != breaks + (p.end > 0 && data[p.end - 1] != '\n' ? 1 : 0)) fail("lines is not the consumed line count");
  const size_t nt = p.numTraj(), nr = p.numRows();
  if (p.trajStarts.size() != nt + 1 || p.trajStarts[0] != 0 || p.trajStarts[nt] != nr) fail("trajStarts");
  for (size_t t = 0; t < nt; t++) {
    if (p.trajStarts[t] >= p.trajStarts[t + 1]) fail("a trajectory without steps");
    if (p.trajLine[t] >= p.lines || (t > 0 && p.trajLine[t] <= p.trajLine[t - 1])) fail("trajLine");
    if (p.groupKind[t] > 1 || p.trajKind[t] > 1) fail("an id kind");
    if (std::fabs(p.groupNum[t]) > 9007199254740991.0 || std::floor(p.groupNum[t]) != p.groupNum[t]) fail("groupNum");
  }
  checkOffsets(p.groupText.offsets, nt, p.groupText.data.size(), "groupText offsets");
  checkOffsets(p.trajText.offsets, nt, p.trajText.data.size(), "trajText offsets");
  for (auto* c : {&p.actionText, &p.prompt, &p.response, &p.groupText, &p.trajText}) {
    if (c != &p.groupText && c != &p.trajText) checkOffsets(c->offsets, nr, c->data.size(), "text offsets");
    if (!validUtf8(c->data.data(), c->data.size())) fail("a decoded text is not valid UTF-8");
  }
  checkOffsets(p.promptIds.offsets, nr, p.promptIds.data.size(), "promptIds offsets");
  checkOffsets(p.responseIds.offsets, nr, p.responseIds.data.size(), "responseIds offsets");
  checkOffsets(p.logprobs.offsets, nr, p.logprobs.data.size(), "logprobs offsets");
  const size_t no = p.observations.size();
  checkOffsets(p.observations.offsets(), no, p.observations.data().size(), "observation offsets");
  if (!validUtf8(p.observations.data().data(), p.observations.data().size())) fail("an observation is not UTF-8");
  for (size_t o = 0; o < no; o++) {
    const auto& off = p.observations.offsets();
    if (p.observations.hashes()[o] != hash64(p.observations.data().data() + off[o], off[o + 1] - off[o]))
      fail("obsHash is not hash64 of the observation");
  }
  uint32_t nextNew = 0;
  for (size_t r = 0; r < nr; r++) {
    if (p.obs[r] > nextNew || p.obs[r] >= no) fail("observations not in order of first appearance");
    if (p.obs[r] == nextNew) nextNew++;
    if (p.valid[r] > 1 || p.done[r] > 1 || p.truncated[r] > 1 || p.stateAnchorPresent[r] > 1) fail("a flag");
    if (!std::isfinite(p.reward[r])) fail("a reward not finite");
    if (!p.stateAnchorPresent[r] && p.stateAnchor[r] != 0) fail("a stateAnchor where none was given");
  }
  if (nextNew != no) fail("an observation no row uses");
  for (float x : p.logprobs.data)
    if (!std::isfinite(x)) fail("a logprob not finite");
  // The rest starts with a rejected line; the consumed part alone gives the same piece.
  if (p.end < size) {
    io::JsonlPiece rest;
    io::parseJsonlTrajectories(data, p.end, size, rest);
    if (rest.end != p.end || rest.lines != 0 || rest.numRows() != 0) fail("the stop line was accepted on its own");
  }
  io::JsonlPiece again;
  io::parseJsonlTrajectories(data, 0, p.end, again);
  if (again.end != p.end || again.lines != p.lines || again.numRows() != nr || again.obs != p.obs ||
      again.anchor != p.anchor || again.reward != p.reward || again.done != p.done)
    fail("the consumed part alone parses differently");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("GIGPO_FUZZ_TARGET");
  target = name ? name : "";
  if (target.rfind("parse-", 0) == 0) {
    batch = std::make_unique<testing::TestBatch>(target.substr(6), BatchConfig{1, 1, 7});
  } else if (target != "boxoban" && target != "ratio" && target != "token-set" && target != "json-text" &&
             target != "jsonl-parse") {
    std::fprintf(
        stderr,
        "GIGPO_FUZZ_TARGET: expected parse-<env>, boxoban, ratio, token-set, json-text or jsonl-parse, got '%s'\n",
        target.c_str());
    std::exit(2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (batch) {
    int32_t action = 0;
    (*batch)->parse(&input, &action);
    if (action < kInvalidAction || action >= (*batch)->shape().numActions) fail("action id out of range");
    // Stepping with the parsed text must keep the outputs within their bounds.
    const uint32_t index = 0;
    (*batch)->stepTextAt(&index, 1, &input);
    if (batch->out->obsLengths[0] > (*batch)->shape().maxObsBytes) fail("observation longer than maxObsBytes");
  } else if (target == "boxoban") {
    try {
      const auto levels = sokoban::parseBoxobanText(input, "fuzz");
      if (levels.empty()) fail("no levels and no error");
      for (const auto& level : levels)
        if (level.width == 0 || level.height == 0) fail("an empty level was accepted");
    } catch (const FormatError&) {
    }
  } else if (target == "json-text") {
    io::ByteOut out;
    io::putJsonString(out, data, size);
    const std::string_view text(out.data(), out.size());
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') fail("a JSON string is not quoted");
    if (text.size() > 6 * size + 2) fail("a JSON string longer than its bound");
    for (size_t i = 1; i + 1 < text.size(); i++) {
      if (static_cast<unsigned char>(text[i]) < 0x20) fail("a raw control byte in a JSON string");
      if (text[i] == '\\')
        i++;  // an escape: the next byte is its letter
      else if (text[i] == '"')
        fail("an unescaped quote inside a JSON string");
    }
    if (size >= 4) {
      float x;
      std::memcpy(&x, data, sizeof x);
      io::ByteOut number;
      io::putFloat32(number, x);
      const std::string_view digits(number.data(), number.size());
      if (std::isnan(x)) {
        if (digits != "NaN") fail("NaN not written as NaN");
      } else if (std::isfinite(x)) {
        float back = 0;
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), back);
        if (r.ptr != digits.data() + digits.size() || back != x) fail("a float32 does not read back as itself");
        if (digits.size() > 24) fail("a float32 text longer than 24 characters");
      }
    }
  } else if (target == "jsonl-parse") {
    checkJsonlParse(data, size);
  } else if (target == "token-set") {
    const size_t cut = input.find('\0');
    const std::string_view a = input.substr(0, cut), b = cut == std::string_view::npos ? "" : input.substr(cut + 1);
    const int r = text::tokenSetRatio(a, b);
    if (r < 0 || r > 100) fail("token set ratio outside [0, 100]");
    if (text::tokenSetRatio(a, a) != (text::fuzzProcess(a).empty() ? 0 : 100)) fail("token set ratio of a with itself");
  } else {
    const size_t cut = input.find('\0');
    const std::string_view a = input.substr(0, cut), b = cut == std::string_view::npos ? "" : input.substr(cut + 1);
    try {
      const double r = text::sequenceRatioUtf8(a, b);
      if (!(r >= 0.0 && r <= 1.0)) fail("ratio outside [0, 1]");
      if (text::sequenceRatioUtf8(a, a) != 1.0) fail("ratio(a, a) != 1");
    } catch (const RangeError&) {
      // invalid UTF-8 is reported, not matched
    }
  }
  return 0;
}
