// libFuzzer targets over the core's text inputs, one binary, the target chosen by the
// GIGPO_FUZZ_TARGET environment variable (native/test/run.sh runs each for a bounded time):
//   parse-<env>   the action parser of every registered env (LLM text -> action id)
//   boxoban       the Boxoban level-file parser
//   ratio         the difflib sequence ratio (input split at its first NUL byte)
//   token-set     thefuzz's token_set_ratio (input split the same way)
//   json-text     the JSONL encoder's JSON string and float32 writers (any bytes; the first
//                 four also as a float's bits)
// Each checks what must hold for any input, so a wrong answer aborts like a crash does.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/envs/sokoban/boxoban_file.hpp"
#include "core/errors.hpp"
#include "core/io/json_text.hpp"
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

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("GIGPO_FUZZ_TARGET");
  target = name ? name : "";
  if (target.rfind("parse-", 0) == 0) {
    batch = std::make_unique<testing::TestBatch>(target.substr(6), BatchConfig{1, 1, 7});
  } else if (target != "boxoban" && target != "ratio" && target != "token-set" && target != "json-text") {
    std::fprintf(stderr, "GIGPO_FUZZ_TARGET: expected parse-<env>, boxoban, ratio, token-set or json-text, got '%s'\n",
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
