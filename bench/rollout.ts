// Full rollouts with the oracle policy (epsilon 0.3): steps/s with 1 and 2 worker threads
// and the ratio, plus the memory of the resulting batch per step.
//   node dist/bench/rollout.js [env] [groups] [groupSize]
import { stepBatchBuffers } from '../lib/io/concat.js';
import { formatTable } from '../lib/cli/format.js';
import { oraclePolicy } from '../lib/policy/native.js';
import { RolloutPool } from '../lib/rollout/pool.js';

const env = process.argv[2] ?? 'sokoban';
const groups = Number(process.argv[3] ?? 256);
const groupSize = Number(process.argv[4] ?? 8);
const job = { env, groups, groupSize, seed: 1, policy: oraclePolicy({ epsilon: 0.3 }) };

async function measure(threads: number) {
  const pool = new RolloutPool({ maxThreads: threads });
  try {
    await pool.collect({ ...job, groups: Math.max(1, threads * 2) }); // warm the workers
    const t0 = performance.now();
    const batch = await pool.collect(job);
    const seconds = (performance.now() - t0) / 1000;
    return { threads, steps: batch.numRows, seconds, stepsPerSecond: batch.numRows / seconds, batch };
  } finally {
    await pool.destroy();
  }
}

const rows = [];
for (const threads of [1, 2]) rows.push(await measure(threads));
const ratio = rows[1].stepsPerSecond / rows[0].stepsPerSecond;
const batch = rows[0].batch;
const totalBytes = stepBatchBuffers(batch).reduce((s, b) => s + b.byteLength, 0);
const obsBytes = batch.observations.data.byteLength + batch.observations.offsets.byteLength;
const bytesPerStep = (totalBytes - obsBytes) / batch.numRows;
console.log(
  formatTable(
    ['env', 'threads', 'steps', 'seconds', 'steps/s'],
    rows.map((r) => [env, String(r.threads), String(r.steps), r.seconds.toFixed(3), r.stepsPerSecond.toFixed(0)]),
  ),
);
console.log(`2 threads / 1 thread: ${ratio.toFixed(2)}x; batch: ${bytesPerStep.toFixed(1)} bytes/step + ${obsBytes} bytes of ${batch.observations.offsets.length - 1} distinct observations`);
console.log(
  JSON.stringify({
    bench: 'rollout',
    env,
    groups,
    groupSize,
    policy: 'oracle(epsilon=0.3)',
    rows: rows.map(({ threads, steps, seconds, stepsPerSecond }) => ({ threads, steps, seconds, stepsPerSecond })),
    ratio,
    bytesPerStep,
    distinctObservations: batch.observations.offsets.length - 1,
  }),
);
