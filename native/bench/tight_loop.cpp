// The throughput limit: the same core batch stepped in a C++ loop with no JavaScript
// boundary, random actions, render and hash on. Prints one JSON line.
//   gigpo-tightloop --env sokoban --envs 1024 --seconds 2 [--seed 1] [--option key=value ...]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/rng.hpp"

using namespace gigpo;

int main(int argc, char** argv) {
  std::string env = "sokoban";
  uint32_t numEnvs = 1024, groupSize = 1;
  double seconds = 2.0;
  uint64_t seed = 1;
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--env")
      env = value;
    else if (flag == "--envs")
      numEnvs = static_cast<uint32_t>(std::strtoul(value.c_str(), nullptr, 10));
    else if (flag == "--group-size")
      groupSize = static_cast<uint32_t>(std::strtoul(value.c_str(), nullptr, 10));
    else if (flag == "--seconds")
      seconds = std::strtod(value.c_str(), nullptr);
    else if (flag == "--seed")
      seed = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--option") {
      size_t eq = value.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "--option: expected key=value, got %s\n", value.c_str());
        return 2;
      }
      std::string key = value.substr(0, eq), text = value.substr(eq + 1);
      char* end = nullptr;
      double number = std::strtod(text.c_str(), &end);
      if (text == "true" || text == "false")
        options[key] = (text == "true");
      else if (!text.empty() && end && *end == '\0')
        options[key] = number;
      else
        options[key] = text;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  try {
    BatchConfig config{numEnvs, groupSize, seed};
    auto batch = makeBatch(env, config, options);
    const BatchShape& s = batch->shape();
    std::vector<float> reward(numEnvs);
    std::vector<uint8_t> done(numEnvs), truncated(numEnvs), valid(numEnvs), reset(numEnvs);
    std::vector<uint32_t> episodeStep(numEnvs), obsLengths(numEnvs);
    std::vector<uint64_t> anchor(numEnvs), stateAnchor(numEnvs);
    std::vector<uint8_t> obsBytes(s.obsCapacity);
    batch->bind({reward.data(), done.data(), truncated.data(), valid.data(), reset.data(), episodeStep.data(),
                 anchor.data(), obsLengths.data(), obsBytes.data(), stateAnchor.data()});
    batch->reset(seed);
    std::vector<int32_t> actions(numEnvs);
    Pcg32 rng(seed);
    uint64_t steps = 0, calls = 0;
    uint64_t checksum = 0;
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    double elapsed = 0;
    do {
      // The same action source as the JS bench: a fresh random action per env per call.
      for (uint32_t i = 0; i < numEnvs; ++i) actions[i] = static_cast<int32_t>(rng.below(s.numActions));
      batch->step(actions.data());
      checksum ^= anchor[calls % numEnvs];
      steps += numEnvs;
      ++calls;
      if ((calls & 7) == 0 || numEnvs >= 256) elapsed = std::chrono::duration<double>(clock::now() - start).count();
    } while (elapsed < seconds);
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
    std::printf(
        "{\"env\":\"%s\",\"envs\":%u,\"calls\":%llu,\"steps\":%llu,\"seconds\":%.6f,\"stepsPerSecond\":%.1f,"
        "\"checksum\":\"%016llx\"}\n",
        env.c_str(), numEnvs, static_cast<unsigned long long>(calls), static_cast<unsigned long long>(steps), elapsed,
        steps / elapsed, static_cast<unsigned long long>(checksum));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gigpo-tightloop: %s\n", e.what());
    return 1;
  }
  return 0;
}
