// Episode-level advantages of every estimator (GIGPO.md step 3 and the GRPO family table),
// from the episode scores and their task-group statistics. "n" is the number of elements
// the statistics ran over (rows, or trajectories with episodeStats trajectories).
//   gigpo  A^E = (s - mean) / F          grpo    (s - mean) / (std + eps)
//   drgrpo s - mean                      rloo    n/(n-1) · (s - mean); s when n = 1
//   reinforce_pp_baseline  s - mean, whitened over the batch (response-token weighted)
//   grpo_passk  the best element gets r_max - r_second (÷ std + eps in mean_std_norm), others 0
// A group of one element has mean 0 and std 1; zero std gives exactly 0 where std divides.
#pragma once
#include "core/advantage/episode_scores.hpp"

namespace gigpo::advantage {

// Whether the estimator needs the groups' standard deviations.
bool needsEpisodeStd(const Options& options);

void episodeAdvantages(const RowColumns& columns, const Layout& layout, const EpisodeScores& scores,
                       const Options& options, double* out);

}  // namespace gigpo::advantage
