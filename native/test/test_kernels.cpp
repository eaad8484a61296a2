// Hash, random-number and advantage kernels against golden values.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/action_draw.hpp"
#include "core/advantage/compute.hpp"
#include "core/hash.hpp"
#include "core/rng.hpp"

using namespace gigpo;

TEST_CASE("splitmix64 gives the reference stream (Vigna's splitmix64.c, seed 0)") {
  uint64_t state = 0;
  CHECK(splitmix64(state) == 0xe220a8397b1dcdafull);
  CHECK(splitmix64(state) == 0x6e789e6aa1b965f4ull);
  CHECK(splitmix64(state) == 0x06c45d188009454full);
}

// Golden values from an independent Python transcription of rng.hpp's definitions.
TEST_CASE("deriveSeed and Pcg32 give the specified streams") {
  CHECK(deriveSeed(7, 3, 1, 2) == 0x88bc54db588fd4cdull);
  CHECK(deriveSeed(0, 0) == 0x2130748aaac80268ull);
  Pcg32 rng(42);
  CHECK(rng.next() == 0x68d5e177u);
  CHECK(rng.next() == 0x0c60432fu);
  CHECK(rng.next() == 0x43e914b9u);
  CHECK(rng.next() == 0x40f9f8ceu);
  Pcg32 bounded(1);
  for (int i = 0; i < 10000; ++i) CHECK(bounded.below(7) < 7u);
}

// Golden values from lib/seeded-random.ts's RandomStreams (the TypeScript definition of the
// same streams): RandomStreams(1, 0, 2) and RandomStreams(2^64 - 1, 1000, 1).
TEST_CASE("seedActionStreams and streamNext give the TypeScript RandomStreams") {
  uint32_t state[2 * kStreamWords];
  seedActionStreams(1, 0, 2, state);
  CHECK(streamNext(state) == 3058700004u);
  CHECK(streamNext(state) == 1910158023u);
  CHECK(streamNext(state) == 1096078457u);
  CHECK(streamNext(state + kStreamWords) == 405712269u);
  CHECK(streamNext(state + kStreamWords) == 2667786766u);
  CHECK(streamNext(state + kStreamWords) == 1817841638u);
  uint32_t top[kStreamWords];
  seedActionStreams(~uint64_t{0}, 1000, 1, top);
  CHECK(streamNext(top) == 623576087u);
  CHECK(streamNext(top) == 1096398646u);
}

// Pinned: every anchor stored in a rollout file depends on these, so a change to the hash
// must be deliberate (and change the file format version).
TEST_CASE("hash64 is stable, seeded, and sees every byte") {
  const uint64_t empty = hash64("", 0);
  const uint64_t abc = hash64(std::string_view("abc"));
  CHECK(empty == 290873116282709081ull);  // also what hashStrings(['', 'abc']) gives in JS
  CHECK(abc == 190542993387777138ull);
  CHECK(hash64(std::string_view("abc"), 1) != abc);
  CHECK(abc != empty);
  // Every length up to 64 and a flipped bit at every position give a different hash.
  std::string text(64, 'x');
  for (size_t n = 0; n <= text.size(); ++n) {
    const uint64_t h = hash64(text.data(), n);
    CHECK(h != hash64(text.data(), n + 1));
    for (size_t i = 0; i < n; ++i) {
      text[i] ^= 1;
      CHECK(hash64(text.data(), n) != h);
      text[i] ^= 1;
    }
  }
}

namespace {

// docs/ADVANTAGES.md's worked example: rows t0·0 .. t4·1, anchors A=1 B=2 C=3 D=4 X=5 Y=6.
struct WorkedExample {
  std::vector<uint32_t> group{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
  std::vector<uint32_t> traj{0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4};
  std::vector<uint32_t> step{0, 1, 2, 0, 1, 2, 0, 1, 0, 0, 1};
  std::vector<float> reward{0, 0, 10, 0, 0, 0, 0, 0, 10, 0, 0};
  std::vector<uint8_t> valid{1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1};
  std::vector<uint64_t> anchor{1, 2, 3, 1, 1, 2, 1, 4, 5, 5, 6};
  std::vector<uint32_t> obs{0, 1, 2, 0, 0, 1, 0, 3, 4, 4, 5};
  std::vector<uint32_t> obsOffsets{0, 1, 2, 3, 4, 5, 6};
  std::string obsBytes = "ABCDXY";
  std::vector<float> returns = std::vector<float>(11), episode = returns, stepAdv = returns, adv = returns;
  std::vector<uint32_t> stepGroup = std::vector<uint32_t>(11);

  advantage::Report run(const advantage::Options& options) {
    advantage::RowColumns c;
    c.numRows = 11;
    c.group = group.data();
    c.traj = traj.data();
    c.step = step.data();
    c.reward = reward.data();
    c.valid = valid.data();
    c.anchor = anchor.data();
    c.obs = obs.data();
    c.obsOffsets = obsOffsets.data();
    c.numObs = 6;
    c.obsBytes = reinterpret_cast<const uint8_t*>(obsBytes.data());
    c.obsByteLength = obsBytes.size();
    return advantage::computeAdvantages(c, options,
                                        {returns.data(), episode.data(), stepAdv.data(), adv.data(), stepGroup.data()});
  }
};

void checkClose(const std::vector<float>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-4));
}

}  // namespace

TEST_CASE("GiGPO on the worked example gives the documented table") {
  WorkedExample w;
  advantage::Options o;  // gamma 0.95, invalidPenalty 0.1, mean_norm, stepWeight 1
  const advantage::Report report = w.run(o);
  checkClose(w.returns, {9.025, 9.5, 10, -0.1, 0, 0, 0, 0, 10, 0, 0});
  checkClose(w.episode,
             {6.2625, 6.2625, 6.2625, -3.8375, -3.7375, -3.7375, -3.7375, -3.7375, 6.66667, -3.33333, -3.33333});
  checkClose(w.stepAdv, {6.79375, 4.75, 0, -2.33125, -2.23125, -4.75, -2.23125, 0, 5, -5, 0});
  checkClose(w.adv,
             {13.05625, 11.0125, 6.2625, -6.16875, -5.96875, -8.4875, -5.96875, -3.7375, 11.66667, -8.33333, -3.33333});
  CHECK(w.stepGroup == std::vector<uint32_t>{0, 1, 2, 0, 0, 1, 0, 3, 4, 4, 5});
  CHECK(report.numGroups == 2);
  CHECK(report.numTrajectories == 5);
  CHECK(report.numStepGroups == 6);
}

TEST_CASE("GRPO and RLOO on the worked example") {
  WorkedExample w;
  advantage::Options o;
  o.estimator = advantage::Estimator::Grpo;
  w.run(o);
  checkClose(w.adv,
             {1.20759, 1.20759, 1.20759, -0.73998, -0.7207, -0.7207, -0.7207, -0.7207, 1.1547, -0.57735, -0.57735});
  o.estimator = advantage::Estimator::Rloo;
  w.run(o);
  checkClose(w.adv, {7.15714, 7.15714, 7.15714, -4.38571, -4.27143, -4.27143, -4.27143, -4.27143, 10, -5, -5});
}

TEST_CASE("advantage kernels reject bad rows by name") {
  WorkedExample w;
  w.step[1] = 5;  // trajectory 0 skips steps
  CHECK_THROWS(w.run(advantage::Options{}));
}
