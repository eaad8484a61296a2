#include "core/advantage/estimators.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "core/errors.hpp"

namespace gigpo::advantage {

namespace {

// pass@k: the first element holding the maximum gets r_max - r_second.
void passAtK(const Layout& layout, uint32_t g, const GroupScores& scores, const Options& o, double* out) {
  const bool byRows = o.episodeStats == EpisodeStats::Rows;
  const std::vector<double>& elements = byRows ? scores.row : scores.traj;
  if (elements.size() < 2)
    throw RangeError("grpo_passk: task group " + std::to_string(layout.groupIds[g]) + " has " +
                     std::to_string(elements.size()) + (byRows ? " row" : " trajectory") +
                     "; pass@k needs at least 2 per group");
  double first = -std::numeric_limits<double>::infinity(), second = first;
  size_t best = 0;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (elements[i] > first) {
      second = first;
      first = elements[i];
      best = i;
    } else if (elements[i] > second) {
      second = elements[i];
    }
  }
  double gap = first - second;
  if (o.mode == NormMode::MeanStdNorm && gap != 0) gap /= scores.stats.std() + o.epsilon;
  const size_t rows = scores.row.size();
  for (size_t k = 0; k < rows; ++k) out[k] = 0;
  if (byRows) {
    out[best] = gap;
    return;
  }
  uint32_t k = 0;  // rows of the best trajectory: skip those of the trajectories before it
  for (uint32_t i = layout.groupTrajStart[g]; i < layout.groupTrajStart[g + 1]; ++i) {
    const uint32_t length = layout.trajLength(layout.groupTrajs[i]);
    if (i - layout.groupTrajStart[g] == best)
      for (uint32_t j = 0; j < length; ++j) out[k + j] = gap;
    k += length;
  }
}

}  // namespace

bool needsEpisodeStd(const Options& o) {
  switch (o.estimator) {
    case Estimator::Grpo:
      return true;
    case Estimator::Gigpo:
    case Estimator::GrpoPassK:
      return o.mode == NormMode::MeanStdNorm;
    default:
      return false;
  }
}

void groupEpisodeAdvantages(const Layout& layout, uint32_t g, const GroupScores& scores, const Options& o,
                            double* out) {
  if (o.estimator == Estimator::GrpoPassK) return passAtK(layout, g, scores, o, out);
  const Moments& m = scores.stats;
  const size_t rows = scores.row.size();
  const double* s = scores.row.data();
  const bool divide =
      o.estimator == Estimator::Grpo || (o.estimator == Estimator::Gigpo && o.mode == NormMode::MeanStdNorm);
  if (m.count == 1) {
    // One element: mean 0 and std 1, so the score passes through (÷ (1 + eps) where std divides).
    const bool scaled = o.estimator == Estimator::Gigpo || o.estimator == Estimator::Grpo;
    for (size_t k = 0; k < rows; ++k) out[k] = scaled && divide ? s[k] / (1 + o.epsilon) : s[k];
  } else if (divide) {
    // A group whose statistics are constant is not divided (std 0): rows equal to the mean get
    // exactly 0, and a row below it (an invalid row when the statistics are over trajectories)
    // keeps its penalty, -c, instead of -c / epsilon.
    const double denominator = m.std() + o.epsilon;
    for (size_t k = 0; k < rows; ++k) out[k] = m.constant() ? s[k] - m.mean : (s[k] - m.mean) / denominator;
  } else if (o.estimator == Estimator::Rloo) {
    const double factor = static_cast<double>(m.count) / (m.count - 1);
    for (size_t k = 0; k < rows; ++k) out[k] = (s[k] - m.mean) * factor;
  } else {
    for (size_t k = 0; k < rows; ++k) out[k] = s[k] - m.mean;
  }
}

void whitenBatch(const RowColumns& c, double* x) {
  const size_t n = c.numRows;
  if (c.responseOffsets)
    for (size_t r = 0; r < n; ++r)
      if (c.responseOffsets[r + 1] < c.responseOffsets[r])
        throw RangeError("responseIds.offsets[" + std::to_string(r + 1) + "]: offsets must be non-decreasing");
  auto weight = [&](size_t r) -> double {
    return c.responseOffsets ? static_cast<double>(c.responseOffsets[r + 1]) - c.responseOffsets[r] : 1.0;
  };
  double total = 0, sum = 0;
  for (size_t r = 0; r < n; ++r) {
    total += weight(r);
    sum += weight(r) * x[r];
  }
  if (total == 0) {
    for (size_t r = 0; r < n; ++r) x[r] = 0;
    return;
  }
  const double mean = sum / total;
  double squares = 0;
  for (size_t r = 0; r < n; ++r) squares += weight(r) * (x[r] - mean) * (x[r] - mean);
  const double var = total > 1 ? squares / (total - 1) : 0;
  const double scale = 1 / std::sqrt(var + 1e-8);
  for (size_t r = 0; r < n; ++r) x[r] = (x[r] - mean) * scale;
}

}  // namespace gigpo::advantage
