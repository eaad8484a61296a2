// Full rollouts with the oracle policy (epsilon 0.3): steps/s with 1 and 2 worker threads
// and the ratio, plus the memory of the resulting batch per step.
//   node dist/bench/rollout.js [env] [groups] [groupSize]
import { benchRollouts } from '../lib/cli/bench/rollout.js';
import { formatTable } from '../lib/cli/format.js';
import { oraclePolicy } from '../lib/policy/native.js';

const env = process.argv[2] ?? 'sokoban';
const groups = Number(process.argv[3] ?? 256);
const groupSize = Number(process.argv[4] ?? 8);
const result = await benchRollouts({ env, groups, groupSize, policy: oraclePolicy({ epsilon: 0.3 }), threads: [1, 2] });
console.log(
  formatTable(
    ['env', 'threads', 'steps', 'seconds', 'steps/s'],
    result.rows.map((r) => [env, String(r.threads), String(r.steps), r.seconds.toFixed(3), r.stepsPerSecond.toFixed(0)]),
  ),
);
console.log(
  `2 threads / 1 thread: ${result.ratio.toFixed(2)}x; batch: ${result.bytesPerStep.toFixed(1)} bytes/step + ` +
    `${result.observationTableBytes} bytes for ${result.distinctObservations} distinct observations`,
);
console.log(JSON.stringify({ bench: 'rollout', ...result }));
