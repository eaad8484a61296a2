// Solver benchmark: solves every level of a Boxoban file (default: the `medium` sample)
// within the default node budget and reports the share solved and time per level.
//   node dist/bench/sokoban-solver.js [--file PATH] [--limit N] [--budget NODES]
// The data dir is $GIGPO_BOXOBAN_DIR, else <package root>/../shared/data/boxoban.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readBoxobanLevels, solveSokoban } from '../lib/index.js';
import { packageRoot } from '../lib/native.js';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function defaultFile(): string {
  const dir = process.env.GIGPO_BOXOBAN_DIR ?? join(packageRoot, '..', 'shared', 'data', 'boxoban');
  return join(dir, 'medium', 'train', '000.txt');
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const file = argument('--file') ?? defaultFile();
if (!existsSync(file)) {
  console.error(`sokoban-solver bench: level file not found: ${file} (set GIGPO_BOXOBAN_DIR or pass --file)`);
  process.exit(2);
}
const levels = readBoxobanLevels(file);
const limit = Math.min(levels.length, Number(argument('--limit') ?? levels.length));
const budget = argument('--budget');
const options = budget === undefined ? {} : { nodeBudget: Number(budget) };

const times: number[] = [];
let solved = 0;
let exhausted = 0;
let moves = 0;
let nodes = 0;
let generated = 0;
const start = performance.now();
for (let i = 0; i < limit; i++) {
  const t0 = performance.now();
  const result = solveSokoban(levels[i], options);
  times.push(performance.now() - t0);
  nodes += result.nodesExpanded;
  generated += result.nodesGenerated;
  if (result.solved) {
    solved++;
    moves += result.moves;
  }
  if (result.budgetExhausted) exhausted++;
}
const totalSeconds = (performance.now() - start) / 1000;
const sorted = [...times].sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;

const summary = {
  bench: 'sokoban-solver',
  file,
  levels: limit,
  budget: options.nodeBudget ?? 'default',
  solved,
  shareSolved: solved / limit,
  budgetExhausted: exhausted,
  meanMs: mean,
  p50Ms: quantile(sorted, 0.5),
  p99Ms: quantile(sorted, 0.99),
  maxMs: sorted[sorted.length - 1],
  meanMovesSolved: solved ? moves / solved : 0,
  meanNodesExpanded: nodes / limit,
  meanNodesGenerated: generated / limit,
  totalSeconds,
};
console.log(`levels           ${limit} (${file})`);
console.log(`solved           ${solved} (${(100 * summary.shareSolved).toFixed(1)}%), budget exhausted ${exhausted}`);
console.log(
  `time per level   mean ${mean.toFixed(2)} ms   p50 ${summary.p50Ms.toFixed(2)} ms   p99 ${summary.p99Ms.toFixed(2)} ms   max ${summary.maxMs.toFixed(2)} ms`,
);
console.log(
  `mean moves       ${summary.meanMovesSolved.toFixed(1)} (shortest plans); mean states expanded ${summary.meanNodesExpanded.toFixed(0)}, stored ${summary.meanNodesGenerated.toFixed(0)}`,
);
console.log(`total            ${totalSeconds.toFixed(1)} s`);
console.log(JSON.stringify(summary));
