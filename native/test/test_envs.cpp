// Every registered environment's reset / step / render / parse contract, through the batch.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/hash.hpp"
#include "core/registry.hpp"
#include "core/rng.hpp"
#include "native/test/batch_outputs.hpp"

using namespace gigpo;
using gigpo::testing::TestBatch;

TEST_CASE("every env keeps the batch contract") {
  for (const EnvEntry& entry : envRegistry()) {
    const std::string name = entry.info().name;
    CAPTURE(name);
    const uint32_t n = 6, groupSize = 3;
    TestBatch a(name, {n, groupSize, 17});
    TestBatch b(name, {n, groupSize, 17});
    const BatchShape& s = a->shape();
    REQUIRE(s.numActions > 0);
    REQUIRE(s.maxSteps > 0);
    // Group members start identical; the anchor is the hash of the key.
    for (uint32_t i = 0; i < n; ++i) {
      CHECK(a.observation(i) == a.observation(i - i % groupSize));
      CHECK(a.out->anchor[i] == hash64(a->key(i)));
      CHECK(a.out->reset[i] == 1);
      CHECK(a.out->obsLengths[i] <= s.maxObsBytes);
    }
    // The name of action a parses to a, or (text envs: a name that needs an argument, a
    // command slot not admissible now) to invalid; never to another action.
    int roundTrips = 0;
    for (int32_t act = 0; act < s.numActions; ++act) {
      std::vector<std::string> texts(n, "<action>" + a->actionName(0, act) + "</action>");
      std::vector<std::string_view> views(texts.begin(), texts.end());
      std::vector<int32_t> parsed(n);
      a->parse(views.data(), parsed.data());
      CHECK((parsed[0] == act || parsed[0] == kInvalidAction));
      roundTrips += parsed[0] == act;
    }
    if (name == "shop") {
      std::string_view query = "<action>search[red shoes]</action>";
      std::vector<std::string_view> views(n, query);
      std::vector<int32_t> parsed(n);
      a->parse(views.data(), parsed.data());
      CHECK(parsed[0] >= 0);
    } else {
      CHECK(roundTrips > 0);
    }
    std::vector<std::string_view> garbage(n, "\x01\xff no such action \xfe");
    std::vector<int32_t> parsed(n);
    a->parse(garbage.data(), parsed.data());
    for (int32_t p : parsed) CHECK(p == kInvalidAction);
    // Random stepping: outputs within bounds, auto-reset visible, two batches in lockstep.
    Pcg32 rng(5);
    std::vector<int32_t> actions(n);
    std::vector<uint8_t> ended(n, 0);
    for (int t = 0; t < 300; ++t) {
      for (uint32_t i = 0; i < n; ++i) {
        const uint32_t r = rng.below(s.numActions + 2);
        actions[i] = static_cast<int32_t>(r) - 2;  // includes hold and invalid
      }
      a->step(actions.data());
      b->step(actions.data());
      for (uint32_t i = 0; i < n; ++i) {
        CHECK(std::isfinite(a.out->reward[i]));
        CHECK(!(a.out->done[i] && a.out->truncated[i]));
        CHECK(a.out->episodeStep[i] <= s.maxSteps);
        CHECK(a.out->obsLengths[i] <= s.maxObsBytes);
        CHECK(a.out->anchor[i] == b.out->anchor[i]);
        CHECK(a.observation(i) == b.observation(i));
        if (actions[i] != kHoldAction) {
          CHECK(a.out->reset[i] == ended[i]);
          ended[i] = a.out->done[i] || a.out->truncated[i];
        }
        if (actions[i] == kInvalidAction && !a.out->reset[i]) CHECK(a.out->valid[i] == 0);
      }
    }
  }
}

TEST_CASE("stepAt checks its indices before touching any env") {
  TestBatch a("sokoban", {4, 1, 3});
  const std::vector<uint64_t> before = a.out->anchor;
  const uint32_t dup[] = {1, 1};
  const int32_t acts[] = {0, 0};
  CHECK_THROWS_AS(a->stepAt(dup, 2, acts), RangeError);
  const uint32_t out[] = {0, 4};
  CHECK_THROWS_AS(a->stepAt(out, 2, acts), RangeError);
  CHECK(a.out->anchor == before);
  CHECK(a.out->episodeStep[0] == 0);
}

TEST_CASE("batch configuration limits") {
  CHECK_THROWS_AS(makeBatch("sokoban", {0, 1, 0}, {}), RangeError);
  CHECK_THROWS_AS(makeBatch("sokoban", {4, 3, 0}, {}), RangeError);
  CHECK_THROWS_AS(makeBatch("sokoban", {1u << 24, 1, 0}, {}), RangeError);
  BatchConfig wrap{4, 2, 0};
  wrap.firstGroup = UINT32_MAX;
  CHECK_THROWS_AS(makeBatch("sokoban", wrap, {}), RangeError);
  CHECK_THROWS_AS(makeBatch("no-such-env", {1, 1, 0}, {}), std::exception);
}
