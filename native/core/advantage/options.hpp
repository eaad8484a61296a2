// Advantage options from a flat name -> value map (as the binding receives them),
// checked with messages that name the option.
#pragma once
#include "core/advantage/types.hpp"
#include "core/options.hpp"

namespace gigpo::advantage {

// Names: estimator, gamma, stepWeight, mode, epsilon, invalidPenalty, episodeStats,
// normalizeByLength, similarity (0 = exact anchors). Unknown names are a TypeError.
Options parseOptions(const gigpo::Options& values);

}  // namespace gigpo::advantage
