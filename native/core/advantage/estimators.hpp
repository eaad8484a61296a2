// Episode-level advantages of every estimator (GIGPO.md step 3 and the GRPO family table),
// from a task group's scores and statistics. "n" is the number of elements the statistics
// ran over (rows, or trajectories with episodeStats trajectories).
//   gigpo  A^E = (s - mean) / F          grpo    (s - mean) / (std + eps)
//   drgrpo s - mean                      rloo    n/(n-1) · (s - mean); s when n = 1
//   reinforce_pp_baseline  s - mean here, then whitenBatch over the whole batch
//   grpo_passk  the best element gets r_max - r_second (÷ std + eps in mean_std_norm, its
//               default, as verl's), others 0
// A group of one element has mean 0 and std 1; zero std gives exactly 0 where std divides.
#pragma once
#include "core/advantage/episode_scores.hpp"

namespace gigpo::advantage {

// Whether the estimator needs the groups' standard deviations.
bool needsEpisodeStd(const Options& options);

// out[k] for the k-th row of task group g (row order). Throws RangeError for grpo_passk
// on a group with fewer than two elements.
void groupEpisodeAdvantages(const Layout& layout, uint32_t group, const GroupScores& scores, const Options& options,
                            double* out);

// reinforce_pp_baseline's batch whitening, as verl's masked_whiten: weighted mean,
// Bessel-corrected weighted variance, (x - mean) / sqrt(var + 1e-8). Row weights: response
// lengths when the batch has them, else 1.
void whitenBatch(const RowColumns& columns, double* x);

}  // namespace gigpo::advantage
