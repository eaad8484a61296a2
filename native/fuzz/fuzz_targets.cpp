// libFuzzer targets over the core's text inputs, one binary, the target chosen by the
// GIGPO_FUZZ_TARGET environment variable (native/test/run.sh runs each for a bounded time):
//   parse-<env>   the action parser of every registered env (LLM text -> action id)
//   boxoban       the Boxoban level-file parser
//   ratio         the difflib sequence ratio (input split at its first NUL byte)
//   token-set     thefuzz's token_set_ratio (input split the same way)
// Each checks what must hold for any input, so a wrong answer aborts like a crash does.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/envs/sokoban/boxoban_file.hpp"
#include "core/errors.hpp"
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
  } else if (target != "boxoban" && target != "ratio" && target != "token-set") {
    std::fprintf(stderr, "GIGPO_FUZZ_TARGET: expected parse-<env>, boxoban, ratio or token-set, got '%s'\n",
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
