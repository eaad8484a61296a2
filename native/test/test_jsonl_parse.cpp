// The native JSONL trajectory parser (core/io/jsonl_parse.hpp) and its obs table
// (core/io/text_intern.hpp): golden columns written by hand, and the lines it must leave to
// the TypeScript path.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.hpp"
#include "core/io/jsonl_parse.hpp"
#include "core/io/text_intern.hpp"

using namespace gigpo;
using io::JsonlPiece;

namespace {

JsonlPiece parse(std::string_view text, size_t start = 0, size_t end = std::string_view::npos) {
  JsonlPiece piece;
  io::parseJsonlTrajectories(reinterpret_cast<const uint8_t*>(text.data()), start,
                             end == std::string_view::npos ? text.size() : end, piece);
  return piece;
}

template <class Column>
std::string textAt(const Column& c, size_t i) {
  return std::string(c.data.data() + c.offsets[i], c.offsets[i + 1] - c.offsets[i]);
}

std::string obsAt(const JsonlPiece& p, size_t i) {
  const auto& o = p.observations.offsets();
  return std::string(p.observations.data().data() + o[i], o[i + 1] - o[i]);
}

bool accepted(std::string_view line) {
  const JsonlPiece p = parse(line);
  return p.numTraj() == 1 && p.end == line.size();
}

bool rejected(std::string_view line) {
  const JsonlPiece p = parse(line);
  return p.end == 0 && p.lines == 0 && p.numTraj() == 0 && p.numRows() == 0 && p.observations.size() == 0;
}

// A line with the given step text (and group / traj 0).
std::string withStep(std::string_view step) {
  return std::string(R"({"group":0,"traj":0,"steps":[)") + std::string(step) + "]}";
}

}  // namespace

TEST_CASE("parseJsonlTrajectories reads a Sokoban-style line into columns") {
  const std::string line =
      R"({"group":3,"traj":"t-1","steps":[{"obs":"##\n#@","anchor":"be19b302a5452dd5","action":2,"reward":-0.1,)"
      R"("valid":true,"done":false,"truncated":false,"state_anchor":"00000000000000FF"},)"
      R"({"obs":"##\n#@","action":"up","reward":1,"valid":false}]})"
      "\n";
  const JsonlPiece p = parse(line);
  CHECK(p.end == line.size());
  CHECK(p.lines == 1);
  REQUIRE(p.numTraj() == 1);
  REQUIRE(p.numRows() == 2);
  CHECK(p.trajLine == std::vector<uint32_t>{0});
  CHECK(p.trajStarts == std::vector<uint32_t>{0, 2});
  CHECK(p.groupKind[0] == 0);
  CHECK(p.groupNum[0] == 3.0);
  CHECK(textAt(p.groupText, 0).empty());
  CHECK(p.trajKind[0] == 1);
  CHECK(textAt(p.trajText, 0) == "t-1");
  CHECK(p.action == std::vector<int32_t>{2, -1});
  CHECK(p.hasActionText);
  CHECK(textAt(p.actionText, 0).empty());
  CHECK(textAt(p.actionText, 1) == "up");
  CHECK(p.reward[0] == -0.1f);
  CHECK(p.reward[1] == 1.0f);
  CHECK(p.valid == std::vector<uint8_t>{1, 0});
  // Row 0 gave done: false; row 1 is the last step, gave no done and no truncated: done.
  CHECK(p.done == std::vector<uint8_t>{0, 1});
  CHECK(p.truncated == std::vector<uint8_t>{0, 0});
  CHECK(p.anchor[0] == 0xbe19b302a5452dd5ull);
  CHECK(p.anchor[1] == hash64(std::string_view("##\n#@")));
  CHECK(p.obs == std::vector<uint32_t>{0, 0});
  REQUIRE(p.observations.size() == 1);
  CHECK(obsAt(p, 0) == "##\n#@");
  CHECK(p.observations.hashes()[0] == hash64(std::string_view("##\n#@")));
  CHECK(p.hasStateAnchor);
  CHECK(p.stateAnchor == std::vector<uint64_t>{255, 0});
  CHECK(p.stateAnchorPresent == std::vector<uint8_t>{1, 0});
  CHECK_FALSE(p.hasPrompt);
  CHECK_FALSE(p.hasResponse);
  CHECK_FALSE(p.hasPromptIds);
  CHECK_FALSE(p.hasResponseIds);
  CHECK_FALSE(p.hasLogprobs);
}

TEST_CASE("the done rule and the defaults") {
  // Last step gave done: false -> kept; truncated: true -> not done; nothing -> done.
  CHECK(parse(withStep(R"({"obs":"a","reward":0,"done":false})")).done == std::vector<uint8_t>{0});
  JsonlPiece p = parse(withStep(R"({"obs":"a","reward":0,"truncated":true})"));
  CHECK(p.done == std::vector<uint8_t>{0});
  CHECK(p.truncated == std::vector<uint8_t>{1});
  p = parse(withStep(R"({"obs":"a","reward":0,"truncated":false})"));
  CHECK(p.done == std::vector<uint8_t>{1});
  p = parse(withStep(R"({"obs":"a","reward":0,"done":null,"truncated":null,"action":null,"valid":true})"));
  CHECK(p.done == std::vector<uint8_t>{1});
  CHECK(p.truncated == std::vector<uint8_t>{0});
  CHECK(p.action == std::vector<int32_t>{-1});
  CHECK_FALSE(p.hasActionText);
  // A middle step's done: true is the file's value.
  p = parse(withStep(R"({"obs":"a","reward":0,"done":true},{"obs":"b","reward":0,"done":false})"));
  CHECK(p.done == std::vector<uint8_t>{1, 0});
}

TEST_CASE("observations are interned by first appearance; anchors by kind") {
  const JsonlPiece p = parse(
      withStep(R"({"obs":"b","reward":0},{"anchor":"room 1","reward":0},{"obs":"a","reward":0},{"obs":"b","reward":0},)"
               R"({"anchor":12,"obs":null,"reward":0},{"obs":"","reward":0})"));
  REQUIRE(p.numRows() == 6);
  REQUIRE(p.observations.size() == 3);
  CHECK(obsAt(p, 0) == "b");
  CHECK(obsAt(p, 1).empty());  // a step without obs
  CHECK(obsAt(p, 2) == "a");
  CHECK(p.obs == std::vector<uint32_t>{0, 1, 2, 0, 1, 1});
  CHECK(p.anchor[0] == hash64(std::string_view("b")));
  CHECK(p.anchor[1] == hash64(std::string_view("room 1")));  // an opaque state name
  CHECK(p.anchor[4] == 12);
  CHECK(p.anchor[5] == hash64(std::string_view("")));
  CHECK(p.observations.hashes()[2] == hash64(std::string_view("a")));
}

TEST_CASE("strings decode every escape; raw UTF-8 is kept") {
  const JsonlPiece p =
      parse(withStep(R"({"obs":"q\"b\\s\/\b\f\n\r\t\u00e9\u00E9\ud83d\ude00\u0000z","reward":0,"prompt":"caf\u00e9 )"
                     "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"
                     R"(","response":""})"));
  REQUIRE(p.numRows() == 1);
  CHECK(obsAt(p, 0) == std::string("q\"b\\s/\b\f\n\r\t\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80") + '\0' + "z");
  CHECK(p.hasPrompt);
  CHECK(textAt(p.prompt, 0) == "caf\xC3\xA9 \xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80");
  CHECK(p.hasResponse);
  CHECK(textAt(p.response, 0).empty());
  // An anchor spelled with escapes is read decoded: 16 hex digits.
  CHECK(parse(withStep(R"({"obs":"a","anchor":"\u0030\u00300000000000000a","reward":0})")).anchor[0] == 10);
}

TEST_CASE("numbers: ids, rewards, actions and lists") {
  JsonlPiece p = parse(R"({"group":1.0,"traj":-0,"steps":[{"obs":"a","reward":1e3,"action":-2147483648},)"
                       R"({"obs":"a","reward":3.4028234663852886e38,"action":2.0e0}]})");
  REQUIRE(p.numRows() == 2);
  CHECK(p.groupNum[0] == 1.0);
  CHECK(p.trajNum[0] == 0.0);
  CHECK(std::signbit(p.trajNum[0]));  // -0 stays -0
  CHECK(p.reward[0] == 1000.0f);
  CHECK(p.reward[1] == 3.4028234663852886e38f);
  CHECK(p.action == std::vector<int32_t>{-2147483648, 2});
  p = parse(R"({"group":9007199254740991,"traj":-9007199254740991,"steps":[{"obs":"a","reward":0.1,)"
            R"("prompt_ids":[1,-5,2147483647],"response_ids":[],"logprobs":[-0.5,1e-3,-0]}]})");
  REQUIRE(p.numRows() == 1);
  CHECK(p.groupNum[0] == 9007199254740991.0);
  CHECK(p.trajNum[0] == -9007199254740991.0);
  CHECK(p.reward[0] == 0.1f);
  CHECK(p.hasPromptIds);
  CHECK(p.promptIds.data == std::vector<int32_t>{1, -5, 2147483647});
  CHECK(p.hasResponseIds);  // [] is given: the column is there, empty for this row
  CHECK(p.responseIds.offsets == std::vector<uint32_t>{0, 0});
  CHECK(p.hasLogprobs);
  REQUIRE(p.logprobs.data.size() == 3);
  CHECK(p.logprobs.data[0] == -0.5f);
  CHECK(p.logprobs.data[1] == 1e-3f);
  CHECK(std::signbit(p.logprobs.data[2]));
  // Digits beyond a double's precision round to nearest (2^53 + 1 -> 2^53: not a safe integer).
  CHECK(rejected(R"({"group":9007199254740993,"traj":0,"steps":[{"obs":"a","reward":0}]})"));
  CHECK(rejected(R"({"group":9007199254740992,"traj":0,"steps":[{"obs":"a","reward":0}]})"));
  CHECK(accepted(R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0.10000000000000000555111512312578}]})"));
}

TEST_CASE("response masks and policy versions") {
  // The mask's flags follow prompt_ids then response_ids, whatever order the keys come in.
  JsonlPiece p = parse(R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"response_mask":[0,1.0,-0],)"
                       R"("prompt_ids":[7,8],"response_ids":[9],"policy_version":4294967295},)"
                       R"({"obs":"b","reward":1,"response_mask":null,"policy_version":null}]})");
  REQUIRE(p.numRows() == 2);
  CHECK(p.hasResponseMask);
  CHECK(p.responseMask.data == std::vector<uint8_t>{0, 1, 0});
  CHECK(p.responseMask.offsets == std::vector<uint32_t>{0, 3, 3});
  CHECK(p.hasPolicyVersion);
  CHECK(p.policyVersion == std::vector<uint32_t>{4294967295u, 0});
  CHECK(p.policyVersionPresent == std::vector<uint8_t>{1, 0});
  p = parse(R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"response_mask":[]}]})");
  CHECK(p.hasResponseMask);  // [] for no tokens: the column is there, empty for this row
  CHECK_FALSE(p.hasPolicyVersion);
  // A rejected line takes its flags and versions back.
  p = parse(
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"a\",\"reward\":0,\"response_ids\":[1],\"response_mask\":[1],"
      "\"policy_version\":2}]}\n{\"group\":0,\"traj\":1,\"steps\":[{\"obs\":\"a\",\"reward\":0,\"response_ids\":[1],"
      "\"response_mask\":[1,1],\"policy_version\":3}]}\n");
  REQUIRE(p.numRows() == 1);
  CHECK(p.responseMask.data == std::vector<uint8_t>{1});
  CHECK(p.responseMask.offsets == std::vector<uint32_t>{0, 1});
  CHECK(p.policyVersion == std::vector<uint32_t>{2});
  CHECK(p.policyVersionPresent == std::vector<uint8_t>{1});
}

TEST_CASE("lines the fast path leaves to the TypeScript reader") {
  const char* lines[] = {
      // not the shape
      R"([])",
      R"("x")",
      R"({})",
      R"({"meta":{"env":"sokoban"}})",
      R"({"traj":0,"steps":[{"obs":"a","reward":0}]})",
      R"({"group":0,"steps":[{"obs":"a","reward":0}]})",
      R"({"group":0,"traj":0})",
      R"({"group":0,"traj":0,"steps":[]})",
      R"({"group":0,"traj":0,"steps":{}})",
      R"({"group":0,"traj":0,"steps":[1]})",
      R"({"group":0,"traj":0,"steps":[null]})",
      R"({"group":null,"traj":0,"steps":[{"obs":"a","reward":0}]})",
      R"({"group":true,"traj":0,"steps":[{"obs":"a","reward":0}]})",
      R"({"group":0.5,"traj":0,"steps":[{"obs":"a","reward":0}]})",
      R"({"group":[0],"traj":0,"steps":[{"obs":"a","reward":0}]})",
      R"({"group":1e400,"traj":0,"steps":[{"obs":"a","reward":0}]})",
      // duplicate handled keys
      R"({"group":0,"group":1,"traj":0,"steps":[{"obs":"a","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0}],"steps":[{"obs":"a","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"reward":1}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","obs":"b","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"done":null,"done":true}]})",
      // step fields
      R"({"group":0,"traj":0,"steps":[{"obs":"a"}]})",
      R"({"group":0,"traj":0,"steps":[{"reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":null,"anchor":null,"reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":null}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":"1"}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":1e400}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":3.5e38}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":-3.4028236e38}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"valid":null}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"valid":1}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":1,"reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","anchor":-1,"reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","anchor":1.5,"reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","anchor":9007199254740992,"reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","anchor":true,"reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"action":2147483648}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"action":1.5}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"action":[]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"done":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"truncated":"yes"}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"prompt":1}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"prompt_ids":[1.5]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"prompt_ids":[null]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"response_ids":"1"}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"logprobs":[1e39]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"state_anchor":"abc"}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"state_anchor":12}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"state_anchor":"00000000000000fg"}]})",
      // keys the TypeScript path interprets
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"advantage":null}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"source_row":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"importance_weight":1}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"token_advantage":[]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"response_mask":[1]}]})",  // more flags than tokens
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"response_ids":[5],"response_mask":[2]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"response_ids":[5],"response_mask":[true]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"response_ids":[5],"response_mask":[1],"response_mask":[1]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"policy_version":-1}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"policy_version":4294967296}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"policy_version":1.5}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"policy_version":"1"}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","rew\u0061rd":0,"reward":0}]})",
      R"({"gro\u0075p":0,"group":0,"traj":0,"steps":[{"obs":"a","reward":0}]})",
      // JSON grammar
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":01}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":1.}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":.5}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":+1}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":1e}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":-}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":NaN}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":Infinity}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0},]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0}],})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0}]}x)",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0}]}{})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0}])",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0}]})"
      "\x0c",
      R"({'group':0,"traj":0,"steps":[{"obs":"a","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"x":tru}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"x":nul}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"x":[1 2]}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"x":{"a" 1}}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"x":{1:1}}]})",
      // strings
      R"({"group":0,"traj":0,"steps":[{"obs":"\x","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"\u12","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"\ud800","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"\udc00\ud800","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"\ud800\u0041","reward":0}]})",
      R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":0,"x":"\udfff"}]})",
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"a\tb\",\"reward\":0}]}",  // a raw tab
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"a\x01\",\"reward\":0}]}",
      "\xEF\xBB\xBF{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"a\",\"reward\":0}]}",  // BOM
      // invalid UTF-8: stray continuation, overlong, surrogate, > U+10FFFF, truncated, in a key
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"\x80\",\"reward\":0}]}",
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"\xC0\xAF\",\"reward\":0}]}",
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"\xE0\x80\xAF\",\"reward\":0}]}",
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"\xED\xA0\x80\",\"reward\":0}]}",
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"\xF4\x90\x80\x80\",\"reward\":0}]}",
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"\xE4\xB8\",\"reward\":0}]}",
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"a\",\"reward\":0,\"\xFF\":1}]}",
      "{\"group\":0,\"traj\":0,\"steps\":[{\"obs\":\"a\",\"reward\":0,\"x\":\"\xF0\x9F\x98\"}]}",
  };
  for (const char* line : lines) {
    CAPTURE(line);
    CHECK(rejected(line));
  }
  CHECK(rejected(withStep(R"({"obs":"a","reward":0})") + std::string(1, '\0')));  // a NUL after the value
}

TEST_CASE("unknown keys are validated and ignored, at any depth up to 64") {
  CHECK(accepted(
      R"( { "group" : 0 , "x" : {"a":[1,-2.5e-3,true,false,null,"s\n",{}],"b":[]}, "traj":0,)"
      R"("steps":[ {"obs":"a","reward":0,"step":7,"return":1,"episode_advantage":"x","y":{"z":[[]]}} ] }	)"));
  // The line's own object is level 1, so 63 nested arrays as a value reach 64.
  const std::string ok = R"({"group":0,"traj":0,"x":)" + std::string(63, '[') + std::string(63, ']') +
                         R"(,"steps":[{"obs":"a","reward":0}]})";
  CHECK(accepted(ok));
  const std::string deep = R"({"group":0,"traj":0,"x":)" + std::string(64, '[') + std::string(64, ']') +
                           R"(,"steps":[{"obs":"a","reward":0}]})";
  CHECK(rejected(deep));
  // In a step (level 3), 61 nested values reach 64.
  CHECK(accepted(withStep(R"({"obs":"a","reward":0,"x":)" + std::string(61, '[') + std::string(61, ']') + "}")));
  CHECK(rejected(withStep(R"({"obs":"a","reward":0,"x":)" + std::string(62, '[') + std::string(62, ']') + "}")));
}

TEST_CASE("ranges: blank lines, CRLF, a last line without '\\n', the stop at the first rejected line") {
  const std::string a = R"({"group":0,"traj":0,"steps":[{"obs":"a","reward":1}]})";
  const std::string b = R"({"group":0,"traj":1,"steps":[{"obs":"b","reward":2,"prompt":"p"},{"obs":"a","reward":3}]})";
  const std::string bad = R"({"group":0,"traj":2,"steps":[{"obs":"c","reward":4,"response":"r"},{"obs":"d"}]})";
  const std::string text = "\n \t\r\n" + a + "\r\n\n" + b + "\n" + bad + "\n" + a + "\n";
  JsonlPiece p = parse(text);
  const size_t badAt = text.find(bad);
  CHECK(p.end == badAt);
  CHECK(p.lines == 5);
  CHECK(p.numTraj() == 2);
  CHECK(p.trajLine == std::vector<uint32_t>{2, 4});
  CHECK(p.trajStarts == std::vector<uint32_t>{0, 1, 3});
  CHECK(p.numRows() == 3);
  CHECK(p.observations.size() == 2);  // "c" of the rejected line is gone
  CHECK(p.hasPrompt);
  CHECK_FALSE(p.hasResponse);  // nor did its response column stay
  CHECK(textAt(p.prompt, 0).empty());
  CHECK(textAt(p.prompt, 1) == "p");
  CHECK(p.prompt.offsets.size() == 4);
  CHECK(p.reward == std::vector<float>{1, 2, 3});
  // From the rejected line on: nothing consumed.
  p = parse(text, badAt);
  CHECK(p.end == badAt);
  CHECK(p.lines == 0);
  CHECK(p.numRows() == 0);
  // From the line after it; the last line with no '\n', inside a larger buffer.
  const size_t lastAt = badAt + bad.size() + 1;
  p = parse(text, lastAt, text.size() - 1);
  CHECK(p.end == text.size() - 1);
  CHECK(p.lines == 1);
  CHECK(p.trajLine == std::vector<uint32_t>{0});
  // A range that ends in blank lines, and an empty range.
  p = parse("\n\r\n  ", 0);
  CHECK(p.end == 5);
  CHECK(p.lines == 3);
  p = parse(text, 3, 3);
  CHECK(p.end == 3);
  CHECK(p.lines == 0);
}

TEST_CASE("a piece reused across calls holds only the last call") {
  JsonlPiece piece;
  const std::string one = withStep(R"({"obs":"x","reward":0,"logprobs":[1]})") + "\n";
  const std::string two = withStep(R"({"obs":"y","reward":0},{"obs":"x","reward":0})") + "\n";
  io::parseJsonlTrajectories(reinterpret_cast<const uint8_t*>(one.data()), 0, one.size(), piece);
  CHECK(piece.hasLogprobs);
  io::parseJsonlTrajectories(reinterpret_cast<const uint8_t*>(two.data()), 0, two.size(), piece);
  CHECK_FALSE(piece.hasLogprobs);
  CHECK(piece.numRows() == 2);
  CHECK(piece.obs == std::vector<uint32_t>{0, 1});
  CHECK(obsAt(piece, 0) == "y");
  CHECK(obsAt(piece, 1) == "x");
}

TEST_CASE("TextIntern finds equal texts, grows, and drops its latest entries exactly") {
  io::TextIntern t;
  auto add = [&](const std::string& s) {
    t.bytes().put(s);
    return t.commit();
  };
  for (int round = 0; round < 2; round++) {
    t.clear();
    for (uint32_t i = 0; i < 5000; i++) CHECK(add("text " + std::to_string(i)) == i);
    for (uint32_t i = 0; i < 5000; i += 7) CHECK(add("text " + std::to_string(i)) == i);
    CHECK(t.size() == 5000);
    t.truncate(1200);
    CHECK(t.size() == 1200);
    for (uint32_t i = 0; i < 1200; i += 3) CHECK(add("text " + std::to_string(i)) == i);
    CHECK(add("text 4999") == 1200);  // dropped: new again
    CHECK(add("") == 1201);
    CHECK(add("") == 1201);
    CHECK(t.hashes()[1201] == hash64(std::string_view("")));
    CHECK(t.data().size() == t.offsets().back());
  }
}
