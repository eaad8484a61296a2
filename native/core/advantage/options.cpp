#include "core/advantage/options.hpp"

#include <limits>

#include "core/errors.hpp"

namespace gigpo::advantage {

namespace {

const std::vector<OptionSpec>& specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"estimator", OptionKind::String, "gigpo", "gigpo, grpo, drgrpo, rloo, reinforce_pp_baseline, grpo_passk"},
      {"gamma", OptionKind::Number, "0.95", "discount in [0, 1]"},
      {"stepWeight", OptionKind::Number, "1", "weight of the step advantage"},
      {"mode", OptionKind::String, "mean_norm", "mean_norm or mean_std_norm"},
      {"epsilon", OptionKind::Number, "1e-6", "added to std in mean_std_norm"},
      {"invalidPenalty", OptionKind::Number, "0.1", "subtracted from a row with an invalid action"},
      {"episodeStats", OptionKind::String, "rows", "rows or trajectories"},
      {"normalizeByLength", OptionKind::Boolean, "false", "divide episode scores by trajectory length"},
      {"similarity", OptionKind::Number, "0", "0: exact anchors; else the ratio threshold"},
  };
  return kSpecs;
}

}  // namespace

Options parseOptions(const gigpo::Options& values) {
  for (const auto& [name, value] : values) {
    bool known = false;
    for (const auto& spec : specs()) known = known || spec.name == name;
    if (!known) throw TypeError("options." + name + ": unknown advantage option");
  }
  const double inf = std::numeric_limits<double>::infinity();
  OptionReader read("advantage", values, specs());
  Options o;
  const std::string estimator = read.choice(
      "estimator", "gigpo", {"gigpo", "grpo", "drgrpo", "rloo", "reinforce_pp_baseline", "grpo_passk"});
  o.estimator = estimator == "gigpo"                   ? Estimator::Gigpo
                : estimator == "grpo"                  ? Estimator::Grpo
                : estimator == "drgrpo"                ? Estimator::DrGrpo
                : estimator == "rloo"                  ? Estimator::Rloo
                : estimator == "reinforce_pp_baseline" ? Estimator::ReinforcePpBaseline
                                                       : Estimator::GrpoPassK;
  o.gamma = read.number("gamma", 0.95, 0, 1);
  o.stepWeight = read.number("stepWeight", 1.0, -inf, inf);
  o.mode = read.choice("mode", "mean_norm", {"mean_norm", "mean_std_norm"}) == "mean_norm" ? NormMode::MeanNorm
                                                                                           : NormMode::MeanStdNorm;
  o.epsilon = read.number("epsilon", 1e-6, 0, inf);
  if (!(o.epsilon > 0)) throw RangeError("options.epsilon: must be > 0");
  o.invalidPenalty = read.number("invalidPenalty", 0.1, 0, inf);
  o.episodeStats = read.choice("episodeStats", "rows", {"rows", "trajectories"}) == "rows"
                       ? EpisodeStats::Rows
                       : EpisodeStats::Trajectories;
  o.normalizeByLength = read.boolean("normalizeByLength", false);
  o.similarity = read.number("similarity", 0, 0, 1);
  if (o.similarity >= 1) throw RangeError("options.similarity: the threshold must be in (0, 1), or 0 for exact anchors");
  return o;
}

}  // namespace gigpo::advantage
