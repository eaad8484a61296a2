#include "core/advantage/estimators.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "core/errors.hpp"

namespace gigpo::advantage {

namespace {

// (s - mean) / F for one row, with F = 1 or std + eps and the singleton / zero-std rules.
double normalized(double s, const Moments& m, bool divide, double eps) {
  if (m.count == 1) return divide ? s / (1 + eps) : s;
  if (!divide) return s - m.mean;
  return m.constant() ? 0 : (s - m.mean) / (m.std() + eps);
}

double groupBaseline(double s, const Moments& m, Estimator e) {
  if (m.count == 1) return s;
  if (e == Estimator::Rloo) return (s - m.mean) * (static_cast<double>(m.count) / (m.count - 1));
  return s - m.mean;
}

// Batch whitening as verl's masked_whiten: weighted mean, Bessel-corrected weighted
// variance, (x - mean) / sqrt(var + 1e-8). Weights: response lengths, else 1 per row.
void whiten(const RowColumns& c, double* x) {
  const size_t n = c.numRows;
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

void checkResponseOffsets(const RowColumns& c) {
  if (!c.responseOffsets) return;
  for (size_t r = 0; r < c.numRows; ++r)
    if (c.responseOffsets[r + 1] < c.responseOffsets[r])
      throw RangeError("responseIds.offsets[" + std::to_string(r + 1) + "]: offsets must be non-decreasing");
}

// pass@k: per group, the first element holding the maximum gets r_max - r_second.
void passAtK(const RowColumns& c, const Layout& layout, const EpisodeScores& scores, const Options& o, double* out) {
  const double inf = std::numeric_limits<double>::infinity();
  const bool byRows = o.episodeStats == EpisodeStats::Rows;
  struct Top {
    double first, second;
    uint32_t best;  // row (rows) or trajectory (trajectories)
  };
  std::vector<Top> top(layout.numGroups, Top{-inf, -inf, 0});
  auto offer = [](Top& t, double x, uint32_t who) {
    if (x > t.first) t = Top{x, t.first, who};
    else if (x > t.second) t.second = x;
  };
  for (uint32_t g = 0; g < layout.numGroups; ++g)
    if (scores.groups[g].count < 2)
      throw RangeError("grpo_passk: task group " + std::to_string(layout.groupIds[g]) + " has " +
                       std::to_string(scores.groups[g].count) + (byRows ? " row" : " trajectory") +
                       "; pass@k needs at least 2 per group");
  for (uint32_t t = 0; t < layout.numTrajectories(); ++t) {
    Top& best = top[layout.trajGroup[t]];
    if (!byRows) {
      offer(best, scores.trajScore[t], t);
      continue;
    }
    for (uint32_t r = layout.trajStart[t]; r < layout.trajStart[t + 1]; ++r)
      offer(best, scores.rowScore(c, t, r, o.invalidPenalty), r);
  }
  const bool divide = o.mode == NormMode::MeanStdNorm;
  for (uint32_t t = 0; t < layout.numTrajectories(); ++t) {
    const uint32_t g = layout.trajGroup[t];
    const Moments& m = scores.groups[g];
    double gap = top[g].first - top[g].second;
    if (divide) gap = gap == 0 ? 0 : gap / (m.std() + o.epsilon);
    for (uint32_t r = layout.trajStart[t]; r < layout.trajStart[t + 1]; ++r)
      out[r] = (byRows ? top[g].best == r : top[g].best == t) ? gap : 0;
  }
}

}  // namespace

bool needsEpisodeStd(const Options& o) {
  switch (o.estimator) {
    case Estimator::Grpo: return true;
    case Estimator::Gigpo:
    case Estimator::GrpoPassK: return o.mode == NormMode::MeanStdNorm;
    default: return false;
  }
}

void episodeAdvantages(const RowColumns& c, const Layout& layout, const EpisodeScores& scores, const Options& o,
                       double* out) {
  if (o.estimator == Estimator::GrpoPassK) return passAtK(c, layout, scores, o, out);
  if (o.estimator == Estimator::ReinforcePpBaseline) checkResponseOffsets(c);
  const bool divide = o.estimator == Estimator::Grpo || (o.estimator == Estimator::Gigpo && o.mode == NormMode::MeanStdNorm);
  const bool scaled = o.estimator == Estimator::Gigpo || o.estimator == Estimator::Grpo;
  for (uint32_t t = 0; t < layout.numTrajectories(); ++t) {
    const Moments& m = scores.groups[layout.trajGroup[t]];
    for (uint32_t r = layout.trajStart[t]; r < layout.trajStart[t + 1]; ++r) {
      const double s = scores.rowScore(c, t, r, o.invalidPenalty);
      out[r] = scaled ? normalized(s, m, divide, o.epsilon) : groupBaseline(s, m, o.estimator);
    }
  }
  if (o.estimator == Estimator::ReinforcePpBaseline) whiten(c, out);
}

}  // namespace gigpo::advantage
