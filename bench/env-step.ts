// npm run bench: env stepping throughput, JS API vs the C++ tight loop, for N = 1, 64,
// 1024, 8192 (override: node dist/bench/env-step.js [env] [seconds]).
import { benchEnvStepping } from '../lib/cli/bench/env-step.js';
import { formatTable } from '../lib/cli/format.js';

const env = process.argv[2] ?? 'sokoban';
const seconds = Number(process.argv[3] ?? 1);
const rows = benchEnvStepping({ env, sizes: [1, 64, 1024, 8192], seconds });
console.log(
  formatTable(
    ['env', 'N', 'JS API steps/s', 'tight loop steps/s', 'efficiency'],
    rows.map((r) => [
      r.env,
      String(r.envs),
      r.jsStepsPerSecond.toFixed(0),
      r.tightStepsPerSecond.toFixed(0),
      (r.efficiency * 100).toFixed(1) + '%',
    ]),
  ),
);
console.log(JSON.stringify({ bench: 'env-step', rows }));
