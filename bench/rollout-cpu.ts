// CPU time of one single-threaded rollout on this thread (the engine's own cost per step,
// which a loaded machine distorts far less than wall time): what moving the native policies'
// action draws into C++ (EnvBatch.drawActions) changed.
//   node dist/bench/rollout-cpu.js [env] [oracle|random] [groups] [groupSize]
import { oraclePolicy, randomPolicy } from '../lib/policy/native.js';
import { RolloutEngine } from '../lib/rollout/engine.js';

const env = process.argv[2] ?? 'sokoban';
const policy = process.argv[3] === 'random' ? randomPolicy() : oraclePolicy({ epsilon: 0.3 });
const groups = Number(process.argv[4] ?? 1024);
const groupSize = Number(process.argv[5] ?? 8);
const engine = new RolloutEngine();
await engine.collect({ env, groups: 64, groupSize, seed: 2, policy }); // warm-up
const c0 = process.cpuUsage();
const t0 = performance.now();
const batch = await engine.collect({ env, groups, groupSize, seed: 1, policy });
const wallMs = performance.now() - t0;
const used = process.cpuUsage(c0);
const cpuMs = (used.user + used.system) / 1000;
console.log(
  `${env}, ${policy.name}: ${batch.numRows} steps, ${cpuMs.toFixed(0)} ms CPU (${((batch.numRows / cpuMs) * 1000).toFixed(0)} steps per CPU second), ${wallMs.toFixed(0)} ms wall`,
);
console.log(JSON.stringify({ bench: 'rollout-cpu', env, policy: policy.name, steps: batch.numRows, cpuMs, wallMs }));
