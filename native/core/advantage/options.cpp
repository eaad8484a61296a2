#include "core/advantage/options.hpp"

#include <limits>

#include "core/errors.hpp"

namespace gigpo::advantage {

namespace {

const std::vector<OptionSpec>& specs() {
  const double inf = std::numeric_limits<double>::infinity();
  static const std::vector<OptionSpec> kSpecs = {
      choiceOption("estimator", "gigpo", {"gigpo", "grpo", "drgrpo", "rloo", "reinforce_pp_baseline", "grpo_passk"},
                   "the advantage estimator"),
      numberOption("gamma", 0.95, 0, 1, "discount"),
      numberOption("stepWeight", 1, -inf, inf, "weight of the step advantage"),
      choiceOption("mode", "mean_norm", {"mean_norm", "mean_std_norm"}, "group normalisation")
          .derivedDefault("mean_norm; grpo_passk: mean_std_norm (verl's default divides by std)"),
      numberOption("epsilon", 1e-6, 0, inf, "added to std in mean_std_norm"),
      numberOption("invalidPenalty", 0.1, 0, inf, "subtracted from a row with an invalid action"),
      choiceOption("episodeStats", "rows", {"rows", "trajectories"}, "what the episode statistics count"),
      booleanOption("normalizeByLength", false, "divide episode scores by trajectory length"),
      numberOption("similarity", 0, 0, 1, "0: exact anchors; else the ratio threshold"),
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
  OptionReader read("advantage", values, specs());
  Options o;
  const std::string estimator = read.string("estimator");
  o.estimator = estimator == "gigpo"                   ? Estimator::Gigpo
                : estimator == "grpo"                  ? Estimator::Grpo
                : estimator == "drgrpo"                ? Estimator::DrGrpo
                : estimator == "rloo"                  ? Estimator::Rloo
                : estimator == "reinforce_pp_baseline" ? Estimator::ReinforcePpBaseline
                                                       : Estimator::GrpoPassK;
  o.gamma = read.number("gamma");
  o.stepWeight = read.number("stepWeight");
  const std::string mode = read.has("mode")                      ? read.string("mode")
                           : o.estimator == Estimator::GrpoPassK ? "mean_std_norm"
                                                                 : "mean_norm";
  o.mode = mode == "mean_norm" ? NormMode::MeanNorm : NormMode::MeanStdNorm;
  o.epsilon = read.number("epsilon");
  if (!(o.epsilon > 0)) throw RangeError("options.epsilon: must be > 0");
  o.invalidPenalty = read.number("invalidPenalty");
  o.episodeStats = read.string("episodeStats") == "rows" ? EpisodeStats::Rows : EpisodeStats::Trajectories;
  o.normalizeByLength = read.boolean("normalizeByLength");
  o.similarity = read.number("similarity");
  if (o.similarity >= 1)
    throw RangeError("options.similarity: the threshold must be in (0, 1), or 0 for exact anchors");
  return o;
}

}  // namespace gigpo::advantage
