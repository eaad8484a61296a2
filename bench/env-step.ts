// npm run bench: env stepping throughput, JS API vs the C++ tight loop, for N = 1, 64,
// 1024, 8192 (override: node dist/bench/env-step.js [env] [seconds]).
import { benchEnvStepping, envSteppingTable } from '../lib/cli/bench/env-step.js';

const env = process.argv[2] ?? 'sokoban';
const seconds = Number(process.argv[3] ?? 1);
const rows = benchEnvStepping({ env, sizes: [1, 64, 1024, 8192], seconds });
console.log(envSteppingTable(rows));
