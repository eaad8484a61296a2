// The advantage kernels' interface: options, the step-row columns they read (DESIGN.md's
// columnar model, borrowed, never copied), the outputs they fill and the batch report.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gigpo::advantage {

enum class Estimator { Gigpo, Grpo, DrGrpo, Rloo, ReinforcePpBaseline, GrpoPassK };
// mean_norm: F_norm = 1; mean_std_norm: F_norm = std + epsilon (GIGPO.md).
enum class NormMode { MeanNorm, MeanStdNorm };
// Episode statistics over every row of a group (the reference) or one score per trajectory (the paper).
enum class EpisodeStats { Rows, Trajectories };

struct Options {
  Estimator estimator = Estimator::Gigpo;
  double gamma = 0.95;
  double stepWeight = 1.0;
  NormMode mode = NormMode::MeanNorm;
  double epsilon = 1e-6;
  double invalidPenalty = 0.1;
  EpisodeStats episodeStats = EpisodeStats::Rows;
  bool normalizeByLength = false;
  double similarity = 0;  // 0: exact anchors; else the difflib ratio threshold in (0, 1)
};

struct RowColumns {
  size_t numRows = 0;
  const uint32_t* group = nullptr;
  const uint32_t* traj = nullptr;
  const uint32_t* step = nullptr;
  const float* reward = nullptr;
  const uint8_t* valid = nullptr;
  const uint64_t* anchor = nullptr;
  const uint32_t* obs = nullptr;
  // The interned observation table (read in similarity mode only).
  const uint32_t* obsOffsets = nullptr;  // numObs + 1 entries
  size_t numObs = 0;
  const uint8_t* obsBytes = nullptr;
  size_t obsByteLength = 0;
  // Response token offsets (numRows + 1), or null: the row weights of reinforce_pp_baseline.
  const uint32_t* responseOffsets = nullptr;
};

// Per-row outputs, preallocated by the caller with numRows entries each.
struct Outputs {
  float* returns = nullptr;
  float* episodeAdvantage = nullptr;
  float* stepAdvantage = nullptr;
  float* advantage = nullptr;
  uint32_t* stepGroup = nullptr;  // dense, numbered by first appearance in row order
};

struct Report {
  uint32_t numGroups = 0;
  uint32_t numTrajectories = 0;
  uint32_t numStepGroups = 0;
  uint32_t singletonStepGroups = 0;
  uint32_t zeroVarianceGroups = 0;
  std::vector<uint32_t> groupIds;          // the caller's id of each dense task group (first appearance)
  std::vector<uint8_t> groupZeroVariance;  // 1 when a task group's episode scores are all equal
};

}  // namespace gigpo::advantage
