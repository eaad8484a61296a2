// Level difficulty: the shortest-solution length (the native solver's plan, in moves) of
// generated Sokoban levels, per profile: mean, max and the histogram.
//   node dist/bench/sokoban-levels.js [--levels N] [--seed S]
import { createEnvBatch, solveSokoban } from '../lib/index.js';

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const levels = argument('--levels', 1000);
const seed = argument('--seed', 1);
for (const profile of ['native', 'verl-agent']) {
  const b = createEnvBatch({ env: 'sokoban', numEnvs: levels, groupSize: 1, seed, options: { profile } });
  const histogram: number[] = [];
  let sum = 0;
  for (let i = 0; i < levels; i++) {
    const s = solveSokoban(b.key(i).toString());
    if (!s.solved) throw new Error(`level ${i} of profile ${profile} is not solvable`);
    const n = s.plan!.length;
    sum += n;
    histogram[n] = (histogram[n] ?? 0) + 1;
  }
  const counts = Array.from(histogram, (c, n) => (c ? `${n}:${c}` : ''))
    .filter(Boolean)
    .join(' ');
  console.log(
    `${profile.padEnd(10)} levels ${levels}  mean ${(sum / levels).toFixed(2)}  max ${histogram.length - 1}  moves:count ${counts}`,
  );
}
